import { createHash } from 'node:crypto';
import type { FastifyReply } from 'fastify';

/**
 * Small server-rendered pages. One inline stylesheet, allowed by its hash, so the CSP can forbid
 * everything else: no scripts, no third-party assets, no framing.
 */
const STYLE = `body{font:16px/1.5 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;background:#f6f7f9;color:#1d1c1d}
main{max-width:30rem;margin:0 auto;padding:2rem 1.25rem}
.card{background:#fff;border-radius:12px;padding:1.5rem;box-shadow:0 1px 3px rgba(0,0,0,.12)}
h1{font-size:1.35rem;margin:0 0 .75rem}
p{margin:.5rem 0}
.muted{color:#616061;font-size:.9rem}
.error{color:#b3261e}
.ok{color:#1b7f3b}
label{display:block;font-weight:600;margin:1rem 0 .35rem}
input{font:inherit;font-size:1.4rem;letter-spacing:.3em;text-transform:uppercase;width:100%;box-sizing:border-box;padding:.6rem .75rem;border:1px solid #8d8d8e;border-radius:8px}
button{font:inherit;font-weight:600;margin-top:1rem;width:100%;padding:.75rem;border:0;border-radius:8px;background:#007a5a;color:#fff;cursor:pointer}
code{background:#f0f0f0;padding:.1rem .3rem;border-radius:4px}`;

const STYLE_HASH = `'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`;

export function pageHeaders(formActionOrigins: string[] = []): Record<string, string> {
  return {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': [
      "default-src 'none'",
      `style-src ${STYLE_HASH}`,
      "img-src 'none'",
      `form-action 'self' ${formActionOrigins.join(' ')}`.trim(),
      "frame-ancestors 'none'",
      "base-uri 'none'",
    ].join('; '),
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'cache-control': 'no-store',
    'strict-transport-security': 'max-age=31536000',
  };
}

/** A 303 to `location`, with the pages' headers. */
export const redirectTo = (reply: FastifyReply, location: string) =>
  reply
    .code(303)
    .headers({ ...pageHeaders(), location })
    .send();

/** An OAuth callback's query: state, code and error, each only when it is one string. */
export function callbackQuery(query: unknown) {
  const q = query as Record<string, unknown>;
  const pick = (k: string) => (typeof q[k] === 'string' ? q[k] : undefined);
  return { state: pick('state'), code: pick('code'), error: pick('error') };
}

export function escapeHtml(value: string): string {
  return value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

/** Marks trusted markup; everything else interpolated into `html` is escaped. */
class Raw {
  constructor(readonly value: string) {}
}
export const raw = (value: string) => new Raw(value);

export function html(strings: TemplateStringsArray, ...values: unknown[]): Raw {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    const piece =
      v instanceof Raw
        ? v.value
        : Array.isArray(v)
          ? v.map((x) => (x instanceof Raw ? x.value : escapeHtml(String(x)))).join('')
          : escapeHtml(String(v ?? ''));
    out += piece + (strings[i + 1] ?? '');
  });
  return new Raw(out);
}

export function layout(title: string, body: Raw): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer"><title>${escapeHtml(title)} · Mailbridge</title><style>${STYLE}</style></head>
<body><main><div class="card">${body.value}</div><p class="muted">Mailbridge connects your Slack account to your own Gmail. It never sends an email without your click on <strong>Send</strong> in Slack.</p></main></body></html>`;
}

/** `next` is trusted markup written in this codebase (it may hold <code>); `message` is escaped. */
export function messagePage(p: {
  title: string;
  message: string;
  next: string;
  tone?: 'error' | 'ok';
}): string {
  return layout(
    p.title,
    html`<h1 class="${p.tone ?? 'error'}">${p.title}</h1>
      <p>${p.message}</p>
      <p><strong>What next:</strong> ${raw(p.next)}</p>`,
  );
}

export function startPage(p: {
  pairingId: string;
  formToken: string;
  userName: string;
  realName?: string;
  teamName: string;
  purpose: string;
  error?: string;
  /** Signed in with Slack as this person already (the page then says so). */
  signedIn?: boolean;
}): string {
  const action = p.purpose === 'notifications' ? 'grant new-mail notifications for' : 'connect Gmail for';
  return layout(
    'Connect Gmail',
    html`<h1>Connect Gmail to Slack</h1>
      <p>
        You are about to ${action} <strong>${p.userName}</strong> in the Slack workspace
        <strong>${p.teamName}</strong>.
      </p>
      ${
        p.realName
          ? html`<p class="muted">
              Slack shows this person's name as “${p.realName}”. Anyone can give themselves any name: check
              the handle and user ID above, which are unique.
            </p>`
          : ''
      }
      ${
        p.signedIn
          ? html`<p class="ok">You signed in with Slack as this person.</p>`
          : html`<p class="muted">
              If that is not you, close this page: someone may be trying to connect your Gmail to their Slack
              account.
            </p>`
      }
      <p class="muted">
        Your own member ID is in Slack: click your profile picture, choose Profile, then ⋮ (More) → Copy
        member ID.
      </p>
      ${p.error ? html`<p class="error" role="alert">${p.error}</p>` : ''}
      <form method="post" action="/oauth/google/begin">
        <input type="hidden" name="pairing" value="${p.pairingId}" />
        <input type="hidden" name="form_token" value="${p.formToken}" />
        <label for="code">Code shown to you in Slack</label>
        <input
          id="code"
          name="code"
          autocomplete="one-time-code"
          autocapitalize="characters"
          spellcheck="false"
          maxlength="12"
          required
          autofocus
        />
        <button type="submit">Continue to Google</button>
      </form>`,
  );
}

export function successPage(p: {
  userName: string;
  teamName: string;
  email: string;
  purpose: string;
}): string {
  const what =
    p.purpose === 'notifications'
      ? 'New-mail notifications can now be turned on.'
      : 'The assistant can now prepare emails for you. Nothing is sent until you click Send in Slack.';
  return layout(
    'Connected',
    html`<h1 class="ok">Connected</h1>
      <p>
        <strong>${p.userName}</strong> in <strong>${p.teamName}</strong> is now connected to
        <strong>${p.email}</strong>.
      </p>
      <p>${what}</p>
      <p><strong>What next:</strong> close this tab and go back to Slack.</p>`,
  );
}
