import type { HeldDeps } from './held-delivery';
import { isTimeZone } from './quiet-hours';
import {
  DEFAULT_RULES,
  parseRules,
  type NotificationRules,
  type RulesField,
  type RulesFieldError,
  type RulesInput,
} from './rules';

type Deps = Pick<HeldDeps, 'rules' | 'timeZoneOf'> & {
  refreshHome(teamId: string, userId: string): void;
  /** Applies the saved rules to the person's held mail (see replanHeld). */
  replan(teamId: string, userId: string, rules: NotificationRules): Promise<void>;
};

/** Opening and saving a person's rules; the time zone is read from Slack again each time. */
export function createRulesEditing(deps: Deps) {
  const current = async (teamId: string, userId: string): Promise<NotificationRules> =>
    (await deps.rules.rulesOf(teamId, userId)) ?? DEFAULT_RULES;
  const zoneOf = async (teamId: string, userId: string, fallback: string) => {
    const tz = await deps.timeZoneOf(teamId, userId);
    return tz && isTimeZone(tz) ? tz : fallback;
  };
  return {
    current,
    /** The rules to prefill the modal with, in the person's time zone of now. */
    async open(teamId: string, userId: string): Promise<NotificationRules> {
      const rules = await current(teamId, userId);
      return { ...rules, timeZone: await zoneOf(teamId, userId, rules.timeZone) };
    },
    /** The fields' errors, if any: answered at once, before anything slow (Slack waits 3 s). */
    check: (input: RulesInput) => {
      const parsed = parseRules(input);
      return 'errors' in parsed ? parsed.errors : undefined;
    },
    async save(
      teamId: string,
      userId: string,
      input: RulesInput,
    ): Promise<{ saved: NotificationRules } | { errors: Partial<Record<RulesField, RulesFieldError>> }> {
      const parsed = parseRules(input);
      if ('errors' in parsed) return parsed;
      const before = await current(teamId, userId);
      const saved = { ...parsed.ok, timeZone: await zoneOf(teamId, userId, before.timeZone) };
      await deps.rules.save(teamId, userId, saved);
      await deps.replan(teamId, userId, saved);
      deps.refreshHome(teamId, userId);
      return { saved };
    },
  };
}

export type RulesEditing = ReturnType<typeof createRulesEditing>;
