import { randomBytes } from 'node:crypto';
import {
  createPairingService,
  MAX_WRONG_CODES,
  PAIRINGS_PER_HOUR,
  PAIRING_TTL_MS,
} from '../../src/modules/connect/domain/pairing';
import { fakeClock, fakePairings } from '../helpers/connect-fakes';

const setup = () => {
  const pairings = fakePairings();
  const clock = fakeClock();
  const service = createPairingService({ pairings, clock, signingKey: randomBytes(32).toString('hex') });
  return { pairings, clock, service };
};

const wrongCode = (code: string) => (code === 'AAAAAA' ? 'BBBBBB' : 'AAAAAA');

describe('pairing a Slack user with a browser', () => {
  it('when a pairing is created, then the code is returned once and only its hash is stored', async () => {
    const { pairings, service, clock } = setup();
    const created = await service.create('T1', 'U1', 'connect');
    expect(created.code).toMatch(/^[A-HJKMNP-Z2-9]{6}$/);
    expect(created.expiresAt.getTime()).toBe(clock.now().getTime() + PAIRING_TTL_MS);
    const stored = pairings.pairings.get(created.id)!;
    expect(stored).toMatchObject({ teamId: 'T1', userId: 'U1', purpose: 'connect', failedAttempts: 0 });
    expect(JSON.stringify(stored)).not.toContain(created.code);
  });

  it('when a user asks for too many pairings in an hour, then the next one is refused as rate_limited', async () => {
    const { service } = setup();
    for (let i = 0; i < PAIRINGS_PER_HOUR; i += 1) await service.create('T1', 'U1', 'connect');
    await expect(service.create('T1', 'U1', 'connect')).rejects.toMatchObject({
      code: 'rate_limited',
      kind: 'user',
    });
    await expect(service.create('T1', 'U2', 'connect')).resolves.toBeDefined();
  });

  it('when the right code is entered (in any case, with spaces), then the pairing is spent and cannot be redeemed again', async () => {
    const { service } = setup();
    const { id, code } = await service.create('T1', 'U1', 'notifications');
    const spaced = `${code.slice(0, 3).toLowerCase()} ${code.slice(3)}`;
    await expect(service.redeem(id, spaced)).resolves.toMatchObject({ id, purpose: 'notifications' });
    await expect(service.redeem(id, code)).rejects.toMatchObject({ code: 'pairing_used' });
    await expect(service.usable(id)).rejects.toMatchObject({ code: 'pairing_used' });
  });

  it('when a wrong code is entered, then the person learns how many tries are left', async () => {
    const { service } = setup();
    const { id, code } = await service.create('T1', 'U1', 'connect');
    await expect(service.redeem(id, wrongCode(code))).rejects.toMatchObject({
      code: 'code_wrong',
      details: { attemptsLeft: MAX_WRONG_CODES - 1 },
    });
  });

  it('when the last allowed wrong code is entered, then the pairing is burnt, even for the right code after it', async () => {
    const { service } = setup();
    const { id, code } = await service.create('T1', 'U1', 'connect');
    for (let i = 1; i < MAX_WRONG_CODES; i += 1) {
      await expect(service.redeem(id, wrongCode(code))).rejects.toMatchObject({ code: 'code_wrong' });
    }
    await expect(service.redeem(id, wrongCode(code))).rejects.toMatchObject({ code: 'pairing_burnt' });
    await expect(service.redeem(id, code)).rejects.toMatchObject({ code: 'pairing_burnt' });
  });

  it('when the right code follows wrong ones, then the check it reserved is refunded', async () => {
    const { service, pairings } = setup();
    const { id, code } = await service.create('T1', 'U1', 'connect');
    await service.redeem(id, wrongCode(code)).catch(() => undefined);
    await service.redeem(id, code);
    expect(pairings.pairings.get(id)).toMatchObject({ failedAttempts: 1, burntAt: null });
  });

  it('when the pairing has expired, then its link is refused as expired', async () => {
    const { service, clock } = setup();
    const { id, code } = await service.create('T1', 'U1', 'connect');
    clock.advance(PAIRING_TTL_MS);
    await expect(service.usable(id)).rejects.toMatchObject({ code: 'pairing_expired' });
    await expect(service.redeem(id, code)).rejects.toMatchObject({ code: 'pairing_expired' });
  });

  it('when the link names no pairing or a malformed id, then it is not valid', async () => {
    const { service } = setup();
    await expect(service.usable('abcdefghijklmnop')).rejects.toMatchObject({ code: 'pairing_unknown' });
    await expect(service.usable('../../etc')).rejects.toMatchObject({ code: 'pairing_unknown' });
  });
});
