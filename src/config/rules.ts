import type { z } from 'zod';

/** Rules across variables; run even when single variables failed, so one boot reports every problem. */
export function crossFieldRules(env: Partial<Record<string, unknown>>, ctx: z.RefinementCtx): void {
  if (env.AGENT_EVENTS_URL !== undefined && env.AGENT_EVENTS_SECRET === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['AGENT_EVENTS_SECRET'],
      message:
        'is required when AGENT_EVENTS_URL is set (HMAC key for the event signature), e.g. openssl rand -hex 32',
    });
  }
  // A secret alone would record no event at all, silently: the two come together or not at all.
  if (env.AGENT_EVENTS_SECRET !== undefined && env.AGENT_EVENTS_URL === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['AGENT_EVENTS_URL'],
      message:
        'is required when AGENT_EVENTS_SECRET is set (where the events are POSTed), e.g. https://assistant.example.com/hooks/mail',
    });
  }
  // Sign in with Slack needs both halves of the app's credentials; one alone would silently leave it off.
  for (const [set, missing] of [
    ['SLACK_CLIENT_ID', 'SLACK_CLIENT_SECRET'],
    ['SLACK_CLIENT_SECRET', 'SLACK_CLIENT_ID'],
  ] as const) {
    if (env[set] !== undefined && env[missing] === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: [missing],
        message: `is required when ${set} is set (Sign in with Slack needs both; Slack app → Basic Information → App Credentials)`,
      });
    }
  }
  if (typeof env.PORT === 'number' && env.PORT !== 0 && env.METRICS_PORT === env.PORT) {
    ctx.addIssue({
      code: 'custom',
      path: ['METRICS_PORT'],
      message: 'must differ from PORT (metrics have a listener of their own), e.g. 9091',
    });
  }
}
