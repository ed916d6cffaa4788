import { randomBytes } from 'node:crypto';
import { createSealer } from '../../src/shared/crypto';
import { SEALED_COLUMNS } from '../../src/modules/keys/sealed-columns';
import { heldContext } from '../../src/modules/notify/rules-store';

const sealer = createSealer({ current: 'v1', keys: new Map([['v1', randomBytes(32)]]) });

describe('held mail sealed at rest', () => {
  it('when key rotation reads a held row, then it rebuilds the context its headers were sealed with, and no other row opens them', () => {
    const sealed = sealer.seal('{"from":"a@b.co"}', heldContext('mb-1', 'g1'));
    const held = SEALED_COLUMNS.find((c) => c.table === 'held_notifications')!;
    expect(held.dataColumn).toBe('sealed_headers');
    const context = held.context({ id: 'h1', mailbox_id: 'mb-1', gmail_message_id: 'g1' });
    expect(sealer.openString(sealed, context)).toBe('{"from":"a@b.co"}');
    expect(() => sealer.openString(sealed, heldContext('mb-1', 'g2'))).toThrow();
  });
});
