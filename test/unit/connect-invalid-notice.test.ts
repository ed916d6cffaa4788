import { createTellInvalid } from '../../src/modules/connect/domain/invalid-notice';
import { noticeText } from '../../src/modules/connect/replies';
import {
  fakeAudit,
  fakeClock,
  fakeConnections,
  fakeNotices,
  seedConnection,
  testSealer,
} from '../helpers/connect-fakes';

describe('telling a person that Google refused their connection', () => {
  it('when told twice about the same invalid connection, then both are audited and the person is told once', async () => {
    const connections = fakeConnections();
    const audit = fakeAudit();
    const notices = fakeNotices();
    const tellInvalid = createTellInvalid({ audit, connections, clock: fakeClock(), notices });
    const c = seedConnection(connections, testSealer(), { status: 'invalid' });
    await tellInvalid(c);
    await tellInvalid(c);
    expect(audit.entries).toHaveLength(2);
    expect(audit.entries[0]).toEqual({
      teamId: 'T1',
      userId: 'U1',
      kind: 'connection',
      result: 'invalid',
      reason: 'invalid_grant',
    });
    expect(notices.told).toEqual([{ userId: 'U1', notice: { kind: 'invalid', email: 'ada@example.com' } }]);
    expect(noticeText(notices.told[0]!.notice)).toBe(
      'Your Gmail connection (ada@example.com) stopped working: Google no longer accepts it (access removed, password changed or expired). Run `/ai-email-connect` to reconnect.',
    );
  });
});
