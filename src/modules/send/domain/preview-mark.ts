import type { DraftStore, EventLog } from './ports';
import type { TellResult } from './sweep-drafts';
import { isFinalStatus, type Draft, type Outcome } from './types';

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

/**
 * Tells outcomes on previews: `retell` reports how Slack took it (the sweep backs off or gives up
 * on that), `tell` is the best-effort telling the use cases do once.
 */
export function createTelling(deps: {
  show(draft: Draft, outcome: Outcome): Promise<TellResult>;
  drafts: Pick<DraftStore, 'markPreviewShown'>;
  log: EventLog;
}) {
  const retell = async (draft: Draft, outcome: Outcome): Promise<TellResult> => {
    const result = await deps.show(draft, outcome);
    if (result === 'shown') await markPreviewFinal(deps, draft.id, outcome.kind);
    return result;
  };
  const tell = async (draft: Draft, outcome: Outcome): Promise<void> => {
    await retell(draft, outcome);
  };
  return { retell, tell };
}
