import { parseMailbox } from '../../src/modules/send/domain/addresses';
import {
  bodyParts,
  editFields,
  editRequest,
  INPUT_MAX_CHARS,
  mailboxText,
  splitMailboxes,
} from '../../src/modules/send/domain/edit-form';
import { MAX_BODY_BYTES } from '../../src/modules/send/domain/validate-draft';
import { editModal, submissionAnswer, submittedFields } from '../../src/modules/send/edit-blocks';
import { HELLO_CONTENT } from '../helpers/send-fakes';

const join = (parts: string[]) => editRequest({ to: '', cc: '', bcc: '', subject: '', body: parts }).body;

describe('the Edit modal’s fields', () => {
  it('when a body fits one input, then it is one part and comes back the same', () => {
    expect(bodyParts('Hi\n\nBob')).toEqual(['Hi\n\nBob']);
    expect(join(bodyParts('Hi\n\nBob'))).toBe('Hi\n\nBob');
  });

  it('when a body has many lines, then its parts end at line ends, fit an input, and join back to the same text', () => {
    const body = Array.from({ length: 900 }, (_, i) => `line ${i} ${'x'.repeat(i % 90)}`).join('\n');
    const parts = bodyParts(body);
    expect(parts.length).toBeGreaterThan(10);
    expect(parts.every((p) => p.length <= INPUT_MAX_CHARS)).toBe(true);
    expect(join(parts)).toBe(body);
  });

  it('when a single line is longer than an input, then it is cut without splitting a surrogate pair', () => {
    const body = `${'a'.repeat(INPUT_MAX_CHARS - 1)}😀${'b'.repeat(10)}`;
    const parts = bodyParts(body);
    expect(parts.every((p) => p.length <= INPUT_MAX_CHARS && !/[\ud800-\udbff]$/.test(p))).toBe(true);
    expect(parts.join('')).toBe(body);
  });

  it('when a body ends with a line break right where a part is cut, then an unchanged Save keeps it', () => {
    const body = `${'a'.repeat(2000)}\n${'b'.repeat(999)}\n`;
    expect(body.length).toBe(3001);
    expect(bodyParts(body).every((p) => p.length <= INPUT_MAX_CHARS)).toBe(true);
    expect(join(bodyParts(body))).toBe(body);
    for (let n = 2990; n <= 3007; n++) {
      const lines = `${'x'.repeat(n - 7)}\nabcde\n`;
      expect(join(bodyParts(lines))).toBe(lines);
    }
  });

  it('when a body nearly fills its parts, then an empty part is given to grow into and ignored when left empty', () => {
    const body = 'y'.repeat(INPUT_MAX_CHARS - 10);
    expect(bodyParts(body)).toEqual([body, '']);
    expect(join([body, ''])).toBe(body);
  });

  it('when the body is as large as staging allows, then the modal stays within Slack’s 100 blocks', () => {
    const body = `${'word '.repeat(15)}\n`.repeat(Math.floor(MAX_BODY_BYTES / 76));
    const fields = editFields({ ...HELLO_CONTENT, body })!;
    expect(fields).toBeDefined();
    const view = editModal(fields, 'state');
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    expect(join(fields.body)).toBe(body);
  });

  it('when mailboxes are written back, then each parses to the same mailbox, names with commas and quotes included', () => {
    for (const m of [
      { address: 'a@example.com' },
      { address: 'b@example.com', name: 'Bob' },
      { address: 'c@example.com', name: 'Lee, Ann' },
      { address: 'd@example.com', name: 'Say "hi" \\ now' },
    ]) {
      expect(parseMailbox(mailboxText(m))).toEqual(m);
    }
  });

  it('when the person separates addresses by lines, commas or semicolons, then quoted names keep their commas', () => {
    expect(splitMailboxes('"Lee, Ann" <ann@example.com>, bob@example.com;\n\n carol@example.com ')).toEqual([
      '"Lee, Ann" <ann@example.com>',
      'bob@example.com',
      'carol@example.com',
    ]);
  });

  it('when the modal is submitted, then the fields are read by block in order, and an error lands on its block', () => {
    const values = {
      edit_body_1: { value: { value: 'second' } },
      edit_to: { value: { value: 'a@example.com' } },
      edit_body_0: { value: { value: 'first' } },
      edit_subject: { value: { value: null } },
    };
    expect(submittedFields(values)).toEqual({
      to: 'a@example.com',
      cc: '',
      bcc: '',
      subject: '',
      body: ['first', 'second'],
    });
    expect(submissionAnswer({ kind: 'invalid', field: 'body', message: 'too big' })).toEqual({
      response_action: 'errors',
      errors: { edit_body_0: 'too big' },
    });
    expect(submissionAnswer({ kind: 'invalid', field: 'cc', message: 'bad' })).toEqual({
      response_action: 'errors',
      errors: { edit_cc: 'bad' },
    });
  });
});
