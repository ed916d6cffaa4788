/**
 * Retention in bounded statements: each call touches at most `batch` rows, so a large backlog never
 * holds long locks or one huge transaction; the caller repeats until a call returns less than `batch`.
 */
export interface RetentionStore {
  /** Empties the sealed content of drafts finished before `cutoff`; rows, statuses and ids stay. */
  purgeDraftContent(cutoff: Date, batch: number): Promise<number>;
  /** Deletes audit rows created before `cutoff`, oldest first. */
  purgeAudit(cutoff: Date, batch: number): Promise<number>;
}

/** The recorded trigger messages (the triggers module). */
export interface TriggerPurge {
  purgeOlderThan(cutoff: Date): Promise<number>;
}

/** Spent or expired pairings and their OAuth attempts (the connect module). */
export interface PairingPurge {
  purgeExpiredPairings(before: Date): Promise<number>;
}
