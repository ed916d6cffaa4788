import type { EventLog } from './decisions';
import { isFinalStatus, type DraftStore, type Outcome } from './types';

/**
 * After a preview was replaced by an outcome: a final one is marked on the draft, since the mark is
 * what the sweep checks (a preview not marked with the final status is told again). Best effort:
 * a failed mark only means one more telling by the sweep.
 */
export async function markPreviewFinal(
  deps: { drafts: Pick<DraftStore, 'markPreviewShown'>; log: EventLog },
  draftId: string,
  kind: Outcome['kind'],
): Promise<void> {
  if (!isFinalStatus(kind)) return;
  await deps.drafts
    .markPreviewShown(draftId, kind)
    .catch((err: unknown) =>
      deps.log.warn(
        { draftId, err: { message: err instanceof Error ? err.message : String(err) } },
        'preview not marked as final',
      ),
    );
}
