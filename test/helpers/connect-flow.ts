import type { PostedMessage } from '@mailbridge/slack-emulator';
import type { Stack } from './stack';

export interface Prompt {
  pairingId: string;
  code: string;
  startUrl: string;
  message: PostedMessage;
}

export interface PageResult {
  status: number;
  body: string;
  headers: Headers;
}

/** Runs a slash command that answers with a pairing prompt and reads the code and link from it. */
export async function requestPrompt(
  stack: Stack,
  userId: string,
  command = '/ai-email-connect',
  text = '',
): Promise<Prompt> {
  const before = stack.slack.messages.length;
  await stack.slack.slashCommand({ command, text, userId, channelId: 'C0GENERAL' });
  const message = await stack.slack.waitForMessage(
    (m) => stack.slack.messages.indexOf(m) >= before && /oauth\/google\/start\?pairing=/.test(m.text ?? ''),
  );
  const startUrl = /(https?:\/\/\S+\/oauth\/google\/start\?pairing=[A-Za-z0-9_-]+)/.exec(
    message.text ?? '',
  )?.[1];
  const code = /code ([A-Z0-9]{6})/.exec(message.text ?? '')?.[1];
  if (!startUrl || !code) throw new Error(`no prompt in: ${message.text}`);
  return { pairingId: new URL(startUrl).searchParams.get('pairing')!, code, startUrl, message };
}

/** Runs a slash command and returns the text of the ephemeral answer it gets. */
export async function slashReply(stack: Stack, userId: string, command: string, text = ''): Promise<string> {
  const before = stack.slack.messages.length;
  await stack.slack.slashCommand({ command, text, userId, channelId: 'C0GENERAL' });
  const reply = await stack.slack.waitForMessage(
    (m) => stack.slack.messages.indexOf(m) >= before && m.kind === 'response_url',
  );
  return reply.text ?? '';
}

export async function getPage(url: string, cookie?: string): Promise<PageResult> {
  const res = await fetch(url, { redirect: 'manual', headers: cookie ? { cookie } : {} });
  return { status: res.status, body: await res.text(), headers: res.headers };
}

export interface Begun {
  status: number;
  location: string | null;
  /** The per-attempt browser binding cookie (`name=value`) set by begin. */
  cookie: string | undefined;
  body: string;
}

/** What a browser holds after opening the start page: its form cookie and the page's form token. */
export async function openStartPage(
  stack: Stack,
  pairingId: string,
): Promise<{ formCookie: string; formToken: string }> {
  const res = await fetch(`${stack.baseUrl}/oauth/google/start?pairing=${encodeURIComponent(pairingId)}`);
  const html = await res.text();
  const formCookie =
    res.headers
      .getSetCookie()
      .find((c) => c.startsWith('mb_form='))
      ?.split(';')[0] ?? '';
  const formToken = /name="form_token" value="([^"]+)"/.exec(html)?.[1] ?? '';
  return { formCookie, formToken };
}

/** Submits the code the way the start page's form does (same browser, same origin). */
export async function begin(
  stack: Stack,
  pairingId: string,
  code: string,
  form?: { formCookie: string; formToken: string; headers?: Record<string, string> },
): Promise<Begun> {
  const {
    formCookie,
    formToken,
    headers = {},
  }: { formCookie: string; formToken: string; headers?: Record<string, string> } = form ??
  (await openStartPage(stack, pairingId));
  const res = await fetch(`${stack.baseUrl}/oauth/google/begin`, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      cookie: formCookie,
      origin: stack.baseUrl,
      ...headers,
    },
    body: new URLSearchParams({ pairing: pairingId, code, form_token: formToken }),
  });
  const binding = res.headers.getSetCookie().find((c) => c.startsWith('mb_oauth_'));
  return {
    status: res.status,
    location: res.headers.get('location'),
    cookie: binding?.split(';')[0],
    body: await res.text(),
  };
}

/** Follows Google's authorize URL the way a browser would; returns where Google sends the browser back. */
export async function authorize(location: string): Promise<string> {
  const res = await fetch(location, { redirect: 'manual' });
  const back = res.headers.get('location');
  if (res.status !== 302 || !back) throw new Error(`authorize answered ${res.status}: ${await res.text()}`);
  return back;
}

/** The whole browser journey for one Slack user; the Google consent is arranged by the caller or defaults to everything. */
export async function connectUser(
  stack: Stack,
  p: { userId: string; email: string; grantScopes?: string[]; command?: string; text?: string },
): Promise<PageResult & { prompt: Prompt }> {
  stack.google.addAccount({ email: p.email });
  stack.google.setConsent({
    email: p.email,
    ...(p.grantScopes ? { grantScopes: p.grantScopes } : {}),
    times: 1,
  });
  const prompt = await requestPrompt(stack, p.userId, p.command, p.text);
  const started = await begin(stack, prompt.pairingId, prompt.code);
  if (started.status !== 303 || !started.location)
    throw new Error(`begin answered ${started.status}: ${started.body}`);
  const callback = await authorize(started.location);
  return { ...(await getPage(callback, started.cookie)), prompt };
}
