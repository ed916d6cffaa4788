/** Which quota refused: the owner's drafts, the owner's sends, or the deployment-wide breaker. */
export type LimitScope = 'drafts_hour' | 'user_hour' | 'user_day' | 'global_hour';

export type LimitCheck = { allowed: true } | { allowed: false; scope: LimitScope; retryAfterMs: number };

/** Quotas shared by every machine (kept in Redis). */
export interface SendLimits {
  consumeDraft(teamId: string, userId: string): Promise<LimitCheck>;
  /** Per-user hourly and daily sends and the global hourly breaker, all or nothing: a refusal takes no send. */
  consumeSend(teamId: string, userId: string): Promise<LimitCheck>;
  /** Gives back one send (the claim that consumed it did not go ahead). */
  refundSend(teamId: string, userId: string): Promise<void>;
}
