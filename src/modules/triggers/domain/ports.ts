import type { NewTrigger, Trigger } from './types';

export interface TriggerStore {
  /**
   * Idempotent: Slack redeliveries and message + app_mention for the same ts record one trigger. Whichever
   * event comes first, a foreign author is kept (never downgraded to member) and an unknown one is settled
   * by the first event that names the team.
   */
  record(trigger: NewTrigger): Promise<void>;
  /** At most a few triggers with this ts, in this workspace and channel when given. */
  findByTs(teamId: string | undefined, ts: string, channelId?: string): Promise<Trigger[]>;
  /** Deletes the triggers recorded before `cutoff`; resolves how many. */
  purgeOlderThan(cutoff: Date): Promise<number>;
}
