import { signButton, verifyButton } from '../../src/modules/send/domain/button-token';
import { signToken } from '../../src/shared/crypto';

const KEY = 'k'.repeat(40);
const value = {
  draftId: '6f1c1a5e-8a47-4c1e-9a0e-2f1f7d1d9a11',
  userId: 'U1',
  teamId: 'T1',
  action: 'send' as const,
  expiresAt: new Date('2026-12-01T12:15:00Z'),
  version: 1,
};
const before = new Date('2026-12-01T12:00:00Z');

describe('confirmation buttons', () => {
  it('when a value is signed, then it verifies with its draft, owner, team and action', () => {
    const check = verifyButton(KEY, signButton(KEY, value), 'send', before);
    expect(check).toEqual({ ok: true, value, expired: false });
  });

  it('when the draft expiry has passed, then the value verifies but is reported expired', () => {
    const check = verifyButton(KEY, signButton(KEY, value), 'send', new Date('2026-12-01T12:15:01Z'));
    expect(check).toMatchObject({ ok: true, expired: true });
  });

  it('when a Send value is used on Cancel (or the reverse), then it is refused', () => {
    expect(verifyButton(KEY, signButton(KEY, value), 'cancel', before)).toEqual({
      ok: false,
      reason: 'wrong_action',
    });
  });

  it('when the value is tampered with, signed with another key or for another purpose, then it is refused', () => {
    const token = signButton(KEY, value);
    const [body, mac] = token.split('.');
    const forged = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(body!, 'base64url').toString()), u: 'U2' }),
    ).toString('base64url');
    expect(verifyButton(KEY, `${forged}.${mac}`, 'send', before)).toEqual({ ok: false, reason: 'invalid' });
    expect(verifyButton('x'.repeat(40), token, 'send', before)).toEqual({ ok: false, reason: 'invalid' });
    const otherPurpose = signToken(KEY, 'oauth-state', {
      d: value.draftId,
      u: 'U1',
      t: 'T1',
      a: 'send',
      e: 2e9,
    });
    expect(verifyButton(KEY, otherPurpose, 'send', before)).toEqual({ ok: false, reason: 'invalid' });
    expect(verifyButton(KEY, 'garbage', 'send', before)).toEqual({ ok: false, reason: 'invalid' });
  });
});
