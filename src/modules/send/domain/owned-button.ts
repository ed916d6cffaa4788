import { verifyButton, type ButtonAction, type ButtonValue } from './button-token';
import type { RecordDecision } from './decisions';

export type OwnedButton =
  | { ok: true; value: ButtonValue; expired: boolean }
  | { ok: false; notice: { reason: 'invalid' } | { reason: 'not_owner'; ownerId: string } };

/**
 * A clicked button's value when its signature holds for `action` and the clicker is the person it was
 * shown to (expiry is reported, not refused); anyone else's click is recorded as denied.
 */
export async function ownedButton(
  deps: { signingKey: string; record: RecordDecision },
  click: { teamId: string; userId: string; value: string },
  action: ButtonAction,
  now: Date,
): Promise<OwnedButton> {
  const check = verifyButton(deps.signingKey, click.value, action, now);
  if (!check.ok) return { ok: false, notice: { reason: 'invalid' } };
  const { value } = check;
  if (value.userId !== click.userId || value.teamId !== click.teamId) {
    const { teamId, userId } = click;
    await deps.record({ teamId, userId, draftId: value.draftId, result: 'denied', reason: 'not_owner' });
    return { ok: false, notice: { reason: 'not_owner', ownerId: value.userId } };
  }
  return { ok: true, value, expired: check.expired };
}
