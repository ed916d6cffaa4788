import { describeNotifications } from '../../src/modules/notify/replies';
import { describeStatus } from '../../src/modules/connect/replies';
import { disableReply } from '../../src/modules/notify/replies';
import type { Connection } from '../../src/modules/connect/domain/types';

const NOW = new Date('2026-11-20T12:00:00Z');
// A quoted local part may legally hold Slack's markup characters.
const EMAIL = '"<!channel>&x"@example.com';
const SHOWN = '"&lt;!channel&gt;&amp;x"@example.com';

const connection = (status: Connection['status']): Connection => ({
  id: 'c',
  teamId: 'T',
  userId: 'U',
  googleSub: 's',
  email: EMAIL,
  scopes: [],
  status,
  sealedToken: null,
  connectedAt: NOW,
  invalidAt: null,
  revokedAt: null,
});

describe('a connected address in Slack text', () => {
  it('when the address holds markup characters, then every status and reply shows it escaped', () => {
    const texts = [
      describeStatus(connection('active'), undefined, NOW),
      describeStatus(connection('invalid'), undefined, NOW),
      describeNotifications({ ...connection('active'), status: 'active' }, undefined, NOW),
      describeNotifications({ ...connection('invalid'), status: 'invalid' }, undefined, NOW),
      disableReply({ kind: 'disabled', email: EMAIL }).text,
    ];
    for (const text of texts) {
      expect(text).toContain(SHOWN);
      expect(text).not.toContain('<!channel>');
    }
  });
});
