import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SlackSignIn } from '../domain/slack-sign-in';
import { SIGN_IN_TTL_MS } from '../domain/slack-sign-in';
import type { Pairing } from '../domain/types';
import { errorPage } from './oauth-errors';
import { callbackQuery, messagePage, pageHeaders, redirectTo } from './pages';

/** Slack's redirect comes back here; declared in deploy/slack-app-manifest.yaml (`oauth_config.redirect_urls`). */
export const SLACK_CALLBACK_PATH = '/oauth/slack/callback';
/** One cookie per sign-in, so two tabs never overwrite each other's binding (Lax: Slack's redirect is top-level). */
const browserCookie = (signInId: string) => `mb_slack_${signInId}`;
/** The proof that this browser signed in as the pairing's person; read by the start page and its form. */
const proofCookie = (pairingId: string) => `mb_slack_ok_${pairingId}`;

export interface SlackGate {
  /** Whether the request's browser signed in to Slack as the pairing's own person. */
  passed(req: FastifyRequest, pairing: Pairing): boolean;
  /** Sends the browser to Slack to sign in, bound to this pairing and this browser. */
  toSlack(reply: FastifyReply, pairingId: string): Promise<FastifyReply>;
}

/** Sign in with Slack in front of the start page: the redirect out, Slack's redirect back, the proof cookie. */
export function slackSignInRoutes(
  app: FastifyInstance,
  deps: { signIn: SlackSignIn; secureCookies: boolean },
): SlackGate {
  const cookie = (path: string) =>
    ({
      httpOnly: true,
      secure: deps.secureCookies,
      sameSite: 'lax',
      path,
      maxAge: SIGN_IN_TTL_MS / 1000,
    }) as const;

  app.get(SLACK_CALLBACK_PATH, async (req, reply) => {
    try {
      const result = await deps.signIn.callback(
        callbackQuery(req.query),
        (signInId) => req.cookies[browserCookie(signInId)],
      );
      reply.clearCookie(browserCookie(result.signInId), { path: '/oauth/slack' });
      reply.setCookie(proofCookie(result.pairingId), result.proof, cookie('/oauth/google'));
      const next = `/oauth/google/start?pairing=${encodeURIComponent(result.pairingId)}`;
      return await redirectTo(reply, next);
    } catch (err) {
      const answer = errorPage(err);
      if (!answer.theirs) reply.log.error({ err }, 'slack sign-in failed');
      else reply.log.info({ err: { message: (err as Error).message } }, 'slack sign-in stopped');
      return reply.code(answer.status).headers(pageHeaders()).send(messagePage(answer.page));
    }
  });

  return {
    passed: (req, pairing) => deps.signIn.proves(req.cookies[proofCookie(pairing.id)], pairing),
    async toSlack(reply, pairingId) {
      const { redirectUrl, signInId, browserSecret } = await deps.signIn.start(pairingId);
      reply.setCookie(browserCookie(signInId), browserSecret, cookie('/oauth/slack'));
      return redirectTo(reply, redirectUrl);
    },
  };
}
