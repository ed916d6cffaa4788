import { randomInt } from 'node:crypto';
import type { Stack } from './stack';
import type { Prompt } from './connect-flow';

export interface Hop {
  status: number;
  location: string | null;
  body: string;
  url: string;
}

/**
 * A browser as far as the connect pages care: a cookie jar (paths ignored; names are unique) and
 * manual redirects, so each hop can be looked at. Each browser comes from an address of its own
 * (as Fly's edge names it), so the per-address page limits count browsers apart.
 */
export class Browser {
  readonly cookies = new Map<string, string>();
  readonly address = `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;

  async get(url: string): Promise<Hop> {
    return this.request(url, { method: 'GET' });
  }

  async post(url: string, form: Record<string, string>, origin: string): Promise<Hop> {
    return this.request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin },
      body: new URLSearchParams(form).toString(),
    });
  }

  /** Follows redirects until a page answers or `stop` says the hop is where the caller wants to look. */
  async follow(url: string, stop: (hop: Hop) => boolean = () => false): Promise<Hop> {
    let hop = await this.get(url);
    for (let i = 0; i < 10 && hop.location && !stop(hop); i++) {
      hop = await this.get(new URL(hop.location, hop.url).toString());
    }
    return hop;
  }

  private async request(url: string, init: RequestInit): Promise<Hop> {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(url, {
      ...init,
      redirect: 'manual',
      headers: {
        ...(init.headers as Record<string, string>),
        ...(cookie ? { cookie } : {}),
        'fly-client-ip': this.address,
      },
    });
    for (const set of res.headers.getSetCookie()) {
      const [pair = '', ...attrs] = set.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const gone = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === '';
      if (gone) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return { status: res.status, location: res.headers.get('location'), body: await res.text(), url };
  }
}

/** Opens the start link signed in to Slack as `asUser`; stops at the page our callback answers with. */
export async function signInThroughSlack(
  stack: Stack,
  browser: Browser,
  prompt: Prompt,
  asUser: string,
  teamId?: string,
): Promise<{ toSlack: Hop; callbackUrl: string; answer: Hop }> {
  stack.slack.oidc.signInAs(asUser, teamId);
  const toSlack = await browser.get(prompt.startUrl);
  if (toSlack.status !== 303 || !toSlack.location?.startsWith(stack.slack.oidc.authorizeUrl)) {
    throw new Error(`start page did not send the browser to Slack: ${toSlack.status} ${toSlack.body}`);
  }
  const authorized = await browser.get(toSlack.location);
  if (authorized.status !== 302 || !authorized.location) {
    throw new Error(`Slack did not authorize: ${authorized.status} ${authorized.body}`);
  }
  const answer = await browser.get(authorized.location);
  return { toSlack, callbackUrl: authorized.location, answer };
}

/** From a signed-in start page on: the code, Google's consent, the callback page. */
export async function finishWithGoogle(stack: Stack, browser: Browser, prompt: Prompt): Promise<Hop> {
  const start = await browser.get(prompt.startUrl);
  if (start.status !== 200) throw new Error(`start page answered ${start.status}: ${start.body}`);
  const formToken = /name="form_token" value="([^"]+)"/.exec(start.body)?.[1] ?? '';
  const begun = await browser.post(
    `${stack.baseUrl}/oauth/google/begin`,
    { pairing: prompt.pairingId, code: prompt.code, form_token: formToken },
    stack.baseUrl,
  );
  if (begun.status !== 303 || !begun.location) return begun;
  return browser.follow(begun.location, (hop) =>
    hop.url.startsWith(`${stack.baseUrl}/oauth/google/callback`),
  );
}
