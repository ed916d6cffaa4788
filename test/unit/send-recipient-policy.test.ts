import { randomBytes } from 'node:crypto';
import {
  assertRecipientPolicy,
  recipientPolicyProblem,
  type RecipientPolicy,
} from '../../src/modules/send/domain/recipient-policy';
import { SEND_HTTP_STATUS } from '../../src/modules/send/tool-contract';
import { ConfigError, loadConfig } from '../../src/config';

const box = (address: string) => ({ address });
const draft = (to: string[], cc: string[] = [], bcc: string[] = []) => ({
  to: to.map(box),
  cc: cc.map(box),
  bcc: bcc.map(box),
});

const refusal = (d: ReturnType<typeof draft>, policy: RecipientPolicy) => {
  const err = recipientPolicyProblem(d, policy);
  return (
    err && {
      code: err.code,
      status: (SEND_HTTP_STATUS as Record<string, number>)[err.code],
      ...err.details,
      message: err.message,
    }
  );
};

describe('recipient policy', () => {
  it('when no domains are configured, then every recipient is allowed', () => {
    expect(recipientPolicyProblem(draft(['a@x.com'], ['b@y.org'], ['c@z.net']), {})).toBeUndefined();
  });

  it('when an allowed list is set, then a recipient outside it is refused naming the field and address', () => {
    const policy = { allowedDomains: ['example.com', 'partner.org'] };
    expect(recipientPolicyProblem(draft(['ana@example.com', 'Bo@PARTNER.org']), policy)).toBeUndefined();
    expect(refusal(draft(['ana@example.com'], ['ana@example.com', 'eve@other.net']), policy)).toMatchObject({
      code: 'recipient_domain_not_allowed',
      status: 400,
      field: 'cc[1]',
      address: 'eve@other.net',
      domain: 'other.net',
      message: expect.stringMatching(/^cc\[1\]: eve@other\.net .*example\.com, partner\.org/),
    });
  });

  it('when a domain is allowed, then its subdomains are not (exact match)', () => {
    const policy = { allowedDomains: ['example.com'] };
    expect(refusal(draft(['a@mail.example.com']), policy)).toMatchObject({
      field: 'to[0]',
      domain: 'mail.example.com',
    });
    expect(refusal(draft(['a@notexample.com']), policy)).toMatchObject({
      code: 'recipient_domain_not_allowed',
    });
  });

  it('when a domain is blocked, then a recipient there is refused, even in bcc and even if allowed', () => {
    const policy = { allowedDomains: ['example.com', 'rival.com'], blockedDomains: ['Rival.com'] };
    expect(refusal(draft(['a@example.com'], [], ['x@RIVAL.COM']), policy)).toMatchObject({
      code: 'recipient_domain_blocked',
      status: 400,
      field: 'bcc[0]',
      address: 'x@RIVAL.COM',
      domain: 'rival.com',
    });
    expect(
      recipientPolicyProblem(draft(['a@sub.rival.com']), { blockedDomains: ['rival.com'] }),
    ).toBeUndefined();
  });

  it('when asserted, then the refusal is thrown and a clean draft passes', () => {
    expect(() => assertRecipientPolicy(draft(['a@b.com']), { blockedDomains: ['b.com'] })).toThrow(
      /to\[0\]: a@b\.com/,
    );
    expect(() => assertRecipientPolicy(draft(['a@b.com']), { blockedDomains: ['c.com'] })).not.toThrow();
  });
});

describe('recipient policy configuration', () => {
  const env = () => ({
    PUBLIC_BASE_URL: 'https://mailbridge.example.com/',
    DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/mailbridge',
    REDIS_URL: 'redis://127.0.0.1:6379',
    SLACK_BOT_TOKEN: 'xoxb-1',
    SLACK_APP_TOKEN: 'xapp-1',
    GMAIL_OAUTH_CLIENT_ID: 'id',
    GMAIL_OAUTH_CLIENT_SECRET: 'secret',
    GMAIL_OAUTH_STATE_SIGNING_KEY: randomBytes(32).toString('hex'),
    GMAIL_OAUTH_TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    GMAIL_PUBSUB_TOPIC: 'projects/p/topics/t',
    GMAIL_PUSH_SERVICE_ACCOUNT: 'push@p.iam.gserviceaccount.com',
    AGENT_API_KEY: randomBytes(24).toString('hex'),
  });

  it('when unset, then both lists are empty and shared mailboxes are off', () => {
    const c = loadConfig(env());
    expect(c.SEND_ALLOWED_DOMAINS).toEqual([]);
    expect(c.SEND_BLOCKED_DOMAINS).toEqual([]);
    expect(c.ALLOW_SHARED_MAILBOXES).toBe(false);
  });

  it('when set, then the lists are trimmed, lowercased and deduplicated', () => {
    const c = loadConfig({
      ...env(),
      SEND_ALLOWED_DOMAINS: ' Example.com, partner.org.,example.com,',
      SEND_BLOCKED_DOMAINS: 'rival.com',
      ALLOW_SHARED_MAILBOXES: 'true',
    });
    expect(c.SEND_ALLOWED_DOMAINS).toEqual(['example.com', 'partner.org']);
    expect(c.SEND_BLOCKED_DOMAINS).toEqual(['rival.com']);
    expect(c.ALLOW_SHARED_MAILBOXES).toBe(true);
  });

  it.each(['ana@example.com', '*.example.com', 'example', 'exa mple.com'])(
    'when a list holds %s, then boot is refused naming the variable',
    (bad) => {
      expect(() => loadConfig({ ...env(), SEND_BLOCKED_DOMAINS: `ok.com,${bad}` })).toThrow(ConfigError);
      try {
        loadConfig({ ...env(), SEND_BLOCKED_DOMAINS: `ok.com,${bad}` });
      } catch (err) {
        expect((err as ConfigError).problems.join('\n')).toMatch(/^SEND_BLOCKED_DOMAINS: .*not a domain/m);
      }
    },
  );
});
