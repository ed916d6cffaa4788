import { previewMessage } from '../../src/modules/send/blocks';
import {
  createRecipientMarks,
  externalAddresses,
  type RecipientHistory,
} from '../../src/modules/send/domain/recipient-marks';
import type { DraftContent } from '../../src/modules/send/domain/types';

const content: DraftContent = {
  from: 'ada@corp.example',
  to: [{ address: 'Bob@Corp.example', name: 'Bob' }, { address: 'zoe@partner.example' }],
  cc: [{ address: 'eve@sub.corp.example' }],
  bcc: [{ address: 'bob@corp.example' }],
  subject: 's',
  body: 'b',
};

function memoryHistory(): RecipientHistory & { rows: Set<string> } {
  const rows = new Set<string>();
  return {
    rows,
    known: async (t, u, addresses) => new Set(addresses.filter((a) => rows.has(`${t}/${u}/${a}`))),
    remember: async (t, u, addresses) => addresses.forEach((a) => rows.add(`${t}/${u}/${a}`)),
  };
}

describe('recipient marks', () => {
  it('when no workspace domains are configured, then the connected account domain is the workspace and subdomains are external', () => {
    expect([...externalAddresses(content, [])].sort()).toEqual([
      'eve@sub.corp.example',
      'zoe@partner.example',
    ]);
    expect([...externalAddresses(content, ['corp.example', 'partner.example'])]).toEqual([
      'eve@sub.corp.example',
    ]);
  });

  it('when the person sent to an address before, then only the others are new, per person', async () => {
    const history = memoryHistory();
    await history.remember('T1', 'U1', ['bob@corp.example']);
    const marks = createRecipientMarks({ history, workspaceDomains: [], warn: () => undefined });
    expect([...(await marks({ teamId: 'T1', userId: 'U1' }, content)).fresh].sort()).toEqual([
      'eve@sub.corp.example',
      'zoe@partner.example',
    ]);
    expect((await marks({ teamId: 'T1', userId: 'U2' }, content)).fresh.size).toBe(3);
  });

  it('when the history cannot be read, then every recipient is new', async () => {
    const warned: string[] = [];
    const marks = createRecipientMarks({
      history: { ...memoryHistory(), known: () => Promise.reject(new Error('db down')) },
      workspaceDomains: [],
      warn: (m) => warned.push(m),
    });
    expect((await marks({ teamId: 'T1', userId: 'U1' }, content)).fresh.size).toBe(3);
    expect(warned).toHaveLength(1);
  });

  it('when the preview is built, then each address is shown exactly with its marks after it', async () => {
    const history = memoryHistory();
    await history.remember('T1', 'U1', ['bob@corp.example']);
    const marks = await createRecipientMarks({ history, workspaceDomains: [], warn: () => undefined })(
      { teamId: 'T1', userId: 'U1' },
      content,
    );
    const m = previewMessage({
      content,
      expiresAt: new Date('2026-12-01T10:00:00Z'),
      sendValue: 's',
      cancelValue: 'c',
      marks,
    });
    const shown = JSON.stringify(m.blocks);
    expect(shown).toContain('*To:* `Bob@Corp.example` (Bob), `zoe@partner.example` _external, new_');
    expect(shown).toContain('*Cc:* `eve@sub.corp.example` _external, new_');
    expect(shown).toContain('*Bcc:* `bob@corp.example`"');
  });
});
