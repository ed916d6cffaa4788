import { parseMailbox } from '../../src/modules/send/domain/addresses';
import { unsafeTextProblem } from '../../src/modules/send/domain/unsafe-text';
import { validateDraft } from '../../src/modules/send/domain/validate-draft';
import { verifyButton } from '../../src/modules/send/domain/button-token';
import { senderAddress } from '../../src/modules/notify/domain/mail-filter';
import { createPushAuthenticator, decodeJwt } from '../../src/modules/notify/domain/push-auth';
import { parseHistoryId } from '../../src/modules/notify/domain/history-id';
import { parsePushEnvelope } from '../../src/modules/notify/domain/push-envelope';
import { normalizeCode } from '../../src/modules/connect/domain/pairing';
import { sendEmailBody } from '../../src/modules/send/tool-contract';
import { bearerToken } from '../../src/shared/agent-auth';
import { limitKey } from '../../src/modules/connect/http/page-guard';
import { escapeMrkdwn, oneLine } from '../../src/shared/mrkdwn';
import { bareMessageId } from '../../src/modules/send/gmail';
import { classifyGoogleError } from '../../src/shared/google-errors';
import { verifyToken } from '../../src/shared/crypto';

const KEY = 'k'.repeat(44);

const authenticate = createPushAuthenticator({
  audience: 'https://example.com/pubsub/gmail',
  serviceAccount: 'push@example.iam.gserviceaccount.com',
  verifySignature: () => Promise.resolve(undefined),
  nowSeconds: () => 0,
});

const quietly = (f: () => unknown) => {
  try {
    return f();
  } catch (err) {
    return err;
  }
};

/** Every parser of outside text, each called the way the service calls it. */
export const PARSERS: Record<string, (input: string) => unknown> = {
  parseMailbox: (s) => parseMailbox(s),
  'send_email schema': (s) =>
    sendEmailBody.safeParse({ trigger_message_ts: s, channel_id: s, to: [s], cc: s, subject: s, body: s }),
  'validateDraft subject and body': (s) =>
    quietly(() => validateDraft({ to: ['ok@example.com'], cc: [], bcc: [], subject: s, body: s })),
  unsafeTextProblem: (s) => unsafeTextProblem(s, { allowTab: true }),
  'From header (senderAddress)': (s) => senderAddress(s),
  bearerToken: (s) => bearerToken(`Bearer ${s}`),
  decodeJwt: (s) => decodeJwt(s),
  'push authenticator': (s) => authenticate(`Bearer ${s}`),
  parseHistoryId: (s) => parseHistoryId(s),
  'push envelope': (s) => [
    parsePushEnvelope(s),
    parsePushEnvelope(JSON.stringify({ message: { data: Buffer.from(s).toString('base64'), messageId: s } })),
  ],
  'pairing code': (s) => normalizeCode(s),
  'connect page limit key': (s) => limitKey(s),
  'Slack action value (verifyButton)': (s) => verifyButton(KEY, s, 'send', new Date(0)),
  'signed token (verifyToken)': (s) => verifyToken(KEY, 'oauth-state', s),
  'Gmail Message-ID header': (s) => bareMessageId(`<${s}>`),
  'mrkdwn escaper': (s) => [escapeMrkdwn(s, 3000, { singleLine: true }), escapeMrkdwn(s), oneLine(s)],
  'Google error classifier': (s) => [
    classifyGoogleError({ code: s, message: s }),
    classifyGoogleError({ response: { status: 400, data: { error: s } }, message: s }),
  ],
};
