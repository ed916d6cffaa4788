import type { MailboxRecord } from './types';

export interface CoveredDeps {
  /**
   * The highest history id any accepted push named for this address, raised before each push's sync
   * job is recorded; undefined when unknown. Without it every sync reads Gmail.
   */
  pushedUpTo?(email: string): Promise<bigint | undefined>;
}

/**
 * Whether a push's sync has nothing to read in Gmail: its own history id is at or below the cursor,
 * and so is every push accepted for the address until now. The second part matters because the
 * queue folds a push that arrives while a sync waits into that sync without changing its data, so
 * the job's history id can be older than a push it stands for. A push accepted after this check
 * finds this sync active, and the queue then keeps it as a sync of its own. Rechecks and syncs
 * without a push always read.
 */
export async function isCovered(
  deps: CoveredDeps,
  mailbox: MailboxRecord,
  cursor: bigint,
  req: { historyId?: bigint; recheck?: boolean },
): Promise<boolean> {
  if (req.historyId === undefined || req.recheck || req.historyId > cursor || !deps.pushedUpTo) return false;
  const highest = await deps.pushedUpTo(mailbox.email);
  return highest !== undefined && highest <= cursor;
}
