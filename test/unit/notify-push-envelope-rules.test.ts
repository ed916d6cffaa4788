import { z } from 'zod';
import { parsePushEnvelope } from '../../src/modules/notify/domain/push-envelope';

/** The zod schemas the envelope was read with before its rules were written out; the reference. */
const envelopeSchema = z.object({
  message: z
    .object({
      data: z.string().min(1).max(4096),
      messageId: z.string().min(1).max(128).optional(),
      message_id: z.string().min(1).max(128).optional(),
    })
    .refine((m) => m.messageId ?? m.message_id, 'messageId is required'),
  subscription: z.string().max(512).optional(),
});
const dataSchema = z.object({
  emailAddress: z.string().trim().toLowerCase().max(254).pipe(z.email()),
  historyId: z.union([z.number(), z.string()]),
});

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64');

const messages: unknown[] = [
  { data: b64({}), messageId: '1' },
  { data: b64({}), message_id: '1' },
  { data: b64({}) },
  { data: b64({}), messageId: '' },
  { data: b64({}), messageId: 7 },
  { data: b64({}), messageId: null },
  { data: b64({}), messageId: 'x'.repeat(128) },
  { data: b64({}), messageId: 'x'.repeat(129) },
  { data: b64({}), messageId: '1', message_id: 5 },
  { data: '', messageId: '1' },
  { data: 'x'.repeat(4097), messageId: '1' },
  { data: 3, messageId: '1' },
  [],
  null,
  'text',
];
const subscriptions: unknown[] = [undefined, 'projects/p/subscriptions/s', '', 'x'.repeat(513), null, 3];
const datas: unknown[] = [
  { emailAddress: 'Ada@Example.com', historyId: 5 },
  { emailAddress: '  ada@example.com ', historyId: '77' },
  { emailAddress: `${'a'.repeat(250)}@b.co`, historyId: 1 },
  { emailAddress: 'not an address', historyId: 1 },
  { emailAddress: 'a@b.co', historyId: true },
  { emailAddress: 'a@b.co', historyId: null },
  { emailAddress: 'a@b.co' },
  { emailAddress: 5, historyId: 1 },
  [{ emailAddress: 'a@b.co', historyId: 1 }],
  null,
];

describe('the envelope rules, written out', () => {
  it('when any combination of fields arrives, then it is accepted or refused exactly as the zod schemas did', () => {
    let compared = 0;
    for (const message of messages)
      for (const subscription of subscriptions)
        for (const data of datas) {
          const withData =
            message && typeof message === 'object' && !Array.isArray(message) && 'data' in message
              ? {
                  ...message,
                  data:
                    (message as { data: unknown }).data === b64({})
                      ? b64(data)
                      : (message as { data: unknown }).data,
                }
              : message;
          const json = { message: withData, ...(subscription === undefined ? {} : { subscription }) };
          const envelope = envelopeSchema.safeParse(json);
          const inner = envelope.success ? dataSchema.safeParse(data) : undefined;
          const parsed = parsePushEnvelope(JSON.stringify(json));
          const expected = !envelope.success ? 'envelope' : !inner?.success ? 'data' : 'ok';
          const actual = parsed.ok ? 'ok' : parsed.reason === 'history_id' ? 'ok' : parsed.reason;
          expect({ json, actual }).toEqual({ json, actual: expected });
          if (parsed.ok && inner?.success) expect(parsed.push.emailAddress).toBe(inner.data.emailAddress);
          compared += 1;
        }
    expect(compared).toBe(messages.length * subscriptions.length * datas.length);
  });
});
