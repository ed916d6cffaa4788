import { randomBytes } from 'node:crypto';
import { createSealer } from '../../src/shared/crypto';
import { SEALED_COLUMNS } from '../../src/modules/keys/sealed-columns';
import { draftContentContext } from '../../src/modules/send/draft-store';
import { auditDetailsContext } from '../../src/shared/audit-store';

const sealer = createSealer({ current: 'v1', keys: new Map([['v1', randomBytes(32)]]) });
const column = (table: string) => SEALED_COLUMNS.find((c) => c.table === table)!;

describe('sealed send columns', () => {
  it('when key rotation reads an email draft row, then it rebuilds the context the draft was sealed with', () => {
    const sealed = sealer.seal('content', draftContentContext('d1', 'T1', 'U1'));
    const context = column('email_drafts').context({ id: 'd1', team_id: 'T1', user_id: 'U1' });
    expect(sealer.openString(sealed, context)).toBe('content');
  });

  it('when key rotation reads an audit row, with or without a draft, then it rebuilds the sealing context', () => {
    const withDraft = sealer.seal('details', auditDetailsContext('T1', 'U1', 'send', 'd1'));
    const audit = column('audit_events');
    expect(
      sealer.openString(
        withDraft,
        audit.context({ id: 'a1', team_id: 'T1', user_id: 'U1', kind: 'send', draft_id: 'd1' }),
      ),
    ).toBe('details');
    const withoutDraft = sealer.seal('details', auditDetailsContext('T1', 'U1', 'connect'));
    const row = {
      id: 'a2',
      team_id: 'T1',
      user_id: 'U1',
      kind: 'connect',
      draft_id: null,
    } as unknown as Record<string, string>;
    expect(sealer.openString(withoutDraft, audit.context(row))).toBe('details');
    expect(audit.contextColumns).toEqual(expect.arrayContaining(['team_id', 'user_id', 'kind', 'draft_id']));
  });
});
