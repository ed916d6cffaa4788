import { blocksError } from '@mailbridge/slack-emulator';
import { previewMessage } from '../../src/modules/send/blocks';
import { signButton, type ButtonAction } from '../../src/modules/send/domain/button-token';
import {
  BODY_PART_CHARS,
  PREVIEW_BODY_CHARS,
  REVIEW_BODY_CHARS,
  bodyParts,
} from '../../src/modules/send/domain/body-view';
import {
  createConfirmClick,
  type ClickAction,
  type ClickReply,
} from '../../src/modules/send/domain/confirm-click';
import type { Decision } from '../../src/modules/send/domain/decisions';
import { createReviewDraft, type ReviewResult } from '../../src/modules/send/domain/review-draft';
import type { DraftContent } from '../../src/modules/send/domain/types';
import { validateDraft } from '../../src/modules/send/domain/validate-draft';
import { reviewModal } from '../../src/modules/send/review-blocks';
import { manualClock, memoryDrafts, pendingDraft, quietLog } from '../helpers/send-fakes';

const KEY = 'k'.repeat(32);

type Block = {
  type: string;
  text?: { type: string; text: string };
  elements?: Array<{ action_id?: string }>;
};

/** The plain-text sections but the subject's (the one after its label): the body as shown. */
const plainTexts = (blocks: unknown[]) =>
  (blocks as Block[])
    .filter((b, i, all) => b.text?.type === 'plain_text' && all[i - 1]?.text?.text !== '*Subject:*')
    .map((b) => b.text!.text);
const actionIds = (blocks: unknown[]) =>
  (blocks as Block[]).flatMap((b) => (b.type === 'actions' ? b.elements!.map((e) => e.action_id) : []));

const content = (body: string, over: Partial<DraftContent> = {}): DraftContent => ({
  from: 'ada@example.com',
  to: [{ address: 'bob@example.com' }],
  cc: [],
  bcc: [],
  subject: 'Hello',
  body,
  ...over,
});

const preview = (c: DraftContent) =>
  previewMessage({
    content: c,
    expiresAt: new Date('2026-12-01T10:00:00Z'),
    sendValue: 's',
    cancelValue: 'c',
    editValue: 'e',
    viewValue: 'v',
  });

describe('body parts', () => {
  it('when a body is cut, then the parts are the body exactly, each within a section, cut at a line break when one is near', () => {
    const body = Array.from({ length: 400 }, (_, i) => `line ${i} ${'word '.repeat(i % 17)}`).join('\r\n');
    const parts = bodyParts(body);
    expect(parts.join('')).toBe(body);
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(BODY_PART_CHARS);
    for (const p of parts.slice(0, -1)) expect(p.endsWith('\r\n')).toBe(true);
  });

  it('when a body has no break at all, then no surrogate pair and no CR LF is split and the count stays bounded', () => {
    for (const unit of ['😀', 'a😀', 'ab\r\n', 'x']) {
      const body = unit.repeat(Math.floor(REVIEW_BODY_CHARS / unit.length));
      const parts = bodyParts(body);
      expect(parts.join('')).toBe(body);
      expect(parts.length).toBeLessThanOrEqual(26);
      for (const p of parts) {
        expect(p.length).toBeLessThanOrEqual(BODY_PART_CHARS);
        expect(/^[\udc00-\udfff]|[\ud800-\udbff]$/.test(p)).toBe(false);
        expect(p.startsWith('\n') && body.includes('\r\n')).toBe(false);
      }
    }
  });

  it('when a body is empty, then one part holds it', () => {
    expect(bodyParts('')).toEqual(['']);
  });

  it('when a part of the body is only blanks, then the section says how many instead of an empty text', () => {
    const body = `start${'\n'.repeat(6000)}end`;
    const texts = plainTexts(reviewModal(content(body), 'state').blocks);
    expect(texts.some((t) => /^\(\d+ blank characters\)$/.test(t))).toBe(true);
    for (const t of texts) expect(t.trim()).not.toBe('');
  });
});

describe('preview and full-email modal', () => {
  it('when the body fits, then the preview shows it whole and has Send', () => {
    const body = `${'Hello <@U1> *bold* &amp; 😀 '.repeat(160)}end`.slice(0, PREVIEW_BODY_CHARS);
    const m = preview(content(body));
    expect(plainTexts(m.blocks ?? []).join('')).toBe(body);
    expect(actionIds(m.blocks ?? [])).toEqual(['send_email_send', 'send_email_cancel', 'send_email_edit']);
    expect(blocksError(m.blocks ?? [])).toBeUndefined();
  });

  it('when the body does not fit, then the preview shows its beginning and View full email instead of Send', () => {
    const body = 'y'.repeat(PREVIEW_BODY_CHARS + 1);
    const m = preview(content(body));
    const shown = plainTexts(m.blocks ?? []).join('');
    expect(body.startsWith(shown)).toBe(true);
    expect(shown.length).toBeLessThan(body.length);
    expect(actionIds(m.blocks ?? [])).toEqual([
      'send_email_view_full',
      'send_email_cancel',
      'send_email_edit',
    ]);
    expect(JSON.stringify(m.blocks ?? [])).toContain(`${body.length - shown.length} more characters`);
  });

  it('when the beginning of a long body is cut, then never inside a surrogate pair', () => {
    const body = '😀'.repeat(PREVIEW_BODY_CHARS);
    const shown = plainTexts(preview(content(body)).blocks ?? []).join('');
    expect(body.startsWith(shown)).toBe(true);
    expect(/[\ud800-\udbff]$/.test(shown)).toBe(false);
  });

  it('when the draft is the largest staging allows, then the modal shows every recipient and the whole body within Slack limits', () => {
    const all = Array.from({ length: 50 }, (_, i) => `"N*${i}" <r${i}_${'x'.repeat(60)}@example.com>`);
    const body = 'z'.repeat(REVIEW_BODY_CHARS);
    const valid = validateDraft({
      to: all.slice(0, 20),
      cc: all.slice(20, 35),
      bcc: all.slice(35),
      subject: 's',
      body,
    });
    const marks = { external: new Set(['r1_' + 'x'.repeat(60) + '@example.com']), fresh: new Set<string>() };
    const modal = reviewModal({ from: 'ada@example.com', ...valid }, 'state', marks);
    expect(modal.blocks.length).toBeLessThanOrEqual(100);
    expect(blocksError(modal.blocks as never)).toBeUndefined();
    const texts = JSON.stringify(modal.blocks);
    for (const m of [...valid.to, ...valid.cc, ...valid.bcc]) expect(texts).toContain(`\`${m.address}\``);
    expect(texts).toContain('_external_');
    expect(plainTexts(modal.blocks).join('')).toBe(body);
    expect(modal.submit?.text).toBe('Send');
  });

  it('when a body is longer than the modal can show, then staging refuses it naming the limit', () => {
    expect(() =>
      validateDraft({
        to: ['a@example.com'],
        cc: [],
        bcc: [],
        subject: 's',
        body: 'q'.repeat(REVIEW_BODY_CHARS + 1),
      }),
    ).toThrow(
      expect.objectContaining({
        code: 'body_too_long',
        message: expect.stringContaining(`${REVIEW_BODY_CHARS}`),
      }),
    );
  });
});

/** A pending long draft, its confirm and the modal's use case over fakes. */
function setup(body = 'w'.repeat(PREVIEW_BODY_CHARS + 1)) {
  const clock = manualClock();
  const draft = pendingDraft(clock.now());
  const drafts = memoryDrafts(draft);
  const decisions: Decision[] = [];
  const enqueued: string[] = [];
  const shown: string[] = [];
  const record = async (d: Decision) => void decisions.push(d);
  const openContent = () => content(body);
  const confirm = createConfirmClick({
    drafts,
    clock,
    signingKey: KEY,
    limits: {
      consumeDraft: async () => ({ allowed: true }),
      consumeSend: async () => ({ allowed: true }),
      refundSend: async () => undefined,
    },
    enqueueSend: async (id) => void enqueued.push(id),
    openContent,
    record,
    log: quietLog,
  });
  const review = createReviewDraft({
    drafts,
    clock,
    signingKey: KEY,
    openContent,
    confirm,
    show: async (_d, outcome) => {
      shown.push(outcome.kind);
      return 'shown';
    },
    record,
  });
  const sign = (action: ButtonAction, userId = 'U1') =>
    signButton(KEY, {
      draftId: draft.id,
      userId,
      teamId: 'T1',
      action,
      expiresAt: draft.expiresAt,
      version: 1,
    });
  const click = async (action: ClickAction, value: string) => {
    const replies: ClickReply[] = [];
    await confirm({ teamId: 'T1', userId: 'U1', action, value }, async (r) => void replies.push(r));
    return replies;
  };
  const submit = async (state: string, userId = 'U1') => {
    const results: ReviewResult[] = [];
    await review.submit({ teamId: 'T1', userId, state }, async (r) => void results.push(r));
    return results;
  };
  return { clock, draft, drafts, decisions, enqueued, shown, review, sign, click, submit };
}

describe('the full-email modal and its Send', () => {
  it('when a Send button is clicked for a body the preview cannot show, then it is refused and nothing is claimed', async () => {
    const t = setup();
    expect(await t.click('send', t.sign('send'))).toEqual([
      { kind: 'notice', notice: { reason: 'review_required' } },
    ]);
    expect(t.drafts.rows.get(t.draft.id)!.status).toBe('pending');
    expect(t.enqueued).toEqual([]);
    expect(t.decisions).toMatchObject([{ result: 'denied', reason: 'review_required', draftId: t.draft.id }]);
  });

  it('when the modal is opened by its owner and submitted, then the version shown is claimed once and the modal closes', async () => {
    const t = setup();
    const opening = await t.review.open({ teamId: 'T1', userId: 'U1', value: t.sign('view') });
    if (opening.kind !== 'open') throw new Error('not opened');
    expect(await t.submit(opening.state)).toEqual([{ kind: 'sending' }]);
    expect(t.enqueued).toEqual([t.draft.id]);
    expect(t.shown).toEqual(['sending']);
    const again = await t.submit(opening.state);
    expect(again).toMatchObject([
      { kind: 'refused', reply: { notice: { reason: 'already', status: 'sending' } } },
    ]);
    expect(t.enqueued).toHaveLength(1);
  });

  it('when someone else clicks View or submits the modal, then it is refused and audited', async () => {
    const t = setup();
    expect(await t.review.open({ teamId: 'T1', userId: 'U2', value: t.sign('view') })).toEqual({
      kind: 'notice',
      notice: { reason: 'not_owner', ownerId: 'U1' },
    });
    const opening = await t.review.open({ teamId: 'T1', userId: 'U1', value: t.sign('view') });
    if (opening.kind !== 'open') throw new Error('not opened');
    expect(await t.submit(opening.state, 'U2')).toMatchObject([
      { kind: 'refused', reply: { notice: { reason: 'not_owner' } } },
    ]);
    expect(t.decisions.filter((d) => d.result === 'denied')).toHaveLength(2);
    expect(t.enqueued).toEqual([]);
  });

  it('when the state is forged or a button value is used as the state, then it is refused', async () => {
    const t = setup();
    for (const state of ['x.y', t.sign('review_send'), t.sign('view')]) {
      expect(await t.submit(state)).toMatchObject([
        { kind: 'refused', reply: { notice: { reason: 'invalid' } } },
      ]);
    }
    // A modal's Send value sent as a message button is refused too: the action is part of the signature.
    expect(await t.click('send', t.sign('review_send'))).toMatchObject([{ notice: { reason: 'invalid' } }]);
    expect(t.enqueued).toEqual([]);
  });

  it('when the modal is submitted after the email expired, then nothing is claimed and the preview says it expired', async () => {
    const t = setup();
    const opening = await t.review.open({ teamId: 'T1', userId: 'U1', value: t.sign('view') });
    if (opening.kind !== 'open') throw new Error('not opened');
    t.clock.advance(t.draft.expiresAt.getTime() - t.clock.now().getTime() + 1000);
    const results = await t.submit(opening.state);
    expect(results).toEqual([{ kind: 'refused', reply: expect.anything() }]);
    expect(JSON.stringify(results)).toContain('expired');
    expect(t.enqueued).toEqual([]);
    expect(t.drafts.rows.get(t.draft.id)!.status).not.toMatch(/sending|sent/);
  });

  it('when the body fits the preview, then the Send button sends it', async () => {
    const t = setup('short');
    expect(await t.click('send', t.sign('send'))).toMatchObject([
      { kind: 'replace', outcome: { kind: 'sending' } },
    ]);
    expect(t.enqueued).toEqual([t.draft.id]);
  });
});
