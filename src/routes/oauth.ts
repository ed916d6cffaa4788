import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import { z } from 'zod';
import { AppError, isAppError } from '../lib/errors';
import { hmac, randomId, safeEqual } from '../lib/crypto';
import type { Pairing } from '../persistence/pairing-repo';
import type { OAuthFlow } from '../domain/connect/oauth-flow';
import type { PairingService } from '../domain/connect/pairing';
import type { SlackNames } from '../integrations/slack-names';
import type { ConnectPageLimits } from '../persistence/connect-page-limits';
import { connectPageGuard, type AddressTrust } from './connect-page-guard';
import { messagePage, pageHeaders, startPage, successPage } from './pages';

/** One cookie per OAuth attempt, so two tabs never overwrite each other's binding. */
const browserCookie = (attemptId: string) => `mb_oauth_${attemptId}`;
/** Set by the start page; SameSite=Strict, so a form posted from another site never carries it. */
const FORM_COOKIE = 'mb_form';
const COOKIE_PATH = '/oauth/google';

const AGAIN = 'Run <code>/ai-email-connect</code> in Slack to get a new link and code.';

/** What the person sees for each way a connection can fail, always with a next step. */
const ERROR_PAGES: Record<string, { title: string; next: string }> = {
  pairing_unknown: { title: 'Link not valid', next: AGAIN },
  form_foreign: {
    title: 'Please use the link from Slack',
    next: `Open the link from <code>/ai-email-connect</code> in Slack and enter the code on that page.`,
  },
  form_invalid: {
    title: 'Form incomplete',
    next: `Open the link from <code>/ai-email-connect</code> in Slack again.`,
  },
  pairing_used: { title: 'Link already used', next: AGAIN },
  pairing_expired: { title: 'Link expired', next: AGAIN },
  pairing_burnt: { title: 'Link disabled', next: AGAIN },
  state_invalid: { title: 'Sign-in not valid', next: `${AGAIN} Finish the steps in the same browser.` },
  state_expired: {
    title: 'Sign-in expired',
    next: `${AGAIN} The Google step must be finished within 10 minutes.`,
  },
  state_used: { title: 'Sign-in already used', next: AGAIN },
  browser_mismatch: {
    title: 'Different browser',
    next: `${AGAIN} Open the link and finish the Google step in the same browser.`,
  },
  consent_denied: {
    title: 'Nothing was connected',
    next: 'If you change your mind, run <code>/ai-email-connect</code> again and choose Allow.',
  },
  scope_missing_send: {
    title: 'Permission missing',
    next: 'Run <code>/ai-email-connect</code> again and keep “Send email on your behalf” ticked on Google’s screen.',
  },
  scope_missing_notify: {
    title: 'Permission missing',
    next: 'Run <code>/ai-email-notifications on</code> again and keep “View your email message metadata” ticked.',
  },
  account_mismatch: {
    title: 'Different Google account',
    next: 'Run <code>/ai-email-notifications on</code> again and choose the connected account.',
  },
  email_unverified: {
    title: 'Email address not verified',
    next: 'Verify the address at myaccount.google.com or choose another Google account, then run <code>/ai-email-connect</code> again.',
  },
  refresh_token_missing: {
    title: 'Offline access not granted',
    next: 'Remove Mailbridge at myaccount.google.com → Security → Third-party access, then run <code>/ai-email-connect</code> again.',
  },
};
const FALLBACK_ERROR = { title: 'Could not connect', next: `Please try again in a few minutes. ${AGAIN}` };

export interface OAuthRouteDeps {
  signingKey: string;
  publicOrigin: string;
  pairing: PairingService;
  flow: OAuthFlow;
  names: SlackNames;
  limits: ConnectPageLimits;
  secureCookies: boolean;
  authOrigin: string;
  /** Whose word on the client's address the page limits take. */
  addressTrust: AddressTrust;
}

export default async function oauthRoutes(app: FastifyInstance, deps: OAuthRouteDeps) {
  await app.register(cookie);
  await app.register(formbody, { bodyLimit: 4096 });

  // Public pages: bounded per pairing and per address before any database or Slack work.
  const guard = { preHandler: connectPageGuard(deps.limits, deps.addressTrust) };

  const sendError = (reply: FastifyReply, err: unknown) => {
    if (!isAppError(err) || err.httpStatus >= 500) {
      reply.log.error({ err }, 'oauth page failed');
    } else {
      reply.log.info({ code: err.code }, 'oauth flow stopped');
    }
    const page = (isAppError(err) && ERROR_PAGES[err.code]) || FALLBACK_ERROR;
    const message =
      isAppError(err) && err.httpStatus < 500 ? err.message : 'Something went wrong on our side.';
    const status = isAppError(err) && err.httpStatus < 500 ? err.httpStatus : 502;
    return reply
      .code(status)
      .headers(pageHeaders())
      .send(messagePage({ title: page.title, message, next: page.next }));
  };

  const cookieOptions = { httpOnly: true, secure: deps.secureCookies, path: COOKIE_PATH } as const;

  /** The start page's form token: bound to the pairing and to this browser's form cookie. */
  const formToken = (pairingId: string, formSecret: string) =>
    hmac(deps.signingKey, 'start-form', pairingId, formSecret).toString('base64url');

  /** The form must come from our own start page in this browser (no cross-site posts, no skipped identity page). */
  const fromOurStartPage = (req: FastifyRequest, pairingId: string, token: string) => {
    const site = req.headers['sec-fetch-site'];
    if (site !== undefined && site !== 'same-origin' && site !== 'none') return false;
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== 'null' && origin !== deps.publicOrigin) return false;
    const secret = req.cookies[FORM_COOKIE];
    return Boolean(secret) && safeEqual(token, formToken(pairingId, secret!));
  };

  const renderStart = async (reply: FastifyReply, pairing: Pairing, formSecret: string, error?: string) => {
    const page = startPage({
      pairingId: pairing.id,
      purpose: pairing.purpose,
      formToken: formToken(pairing.id, formSecret),
      error,
      ...(await deps.names.forPage(pairing.userId)),
    });
    // The form's submission redirects to Google: form-action must allow that origin or browsers stop the redirect.
    return reply
      .code(error ? 400 : 200)
      .headers(pageHeaders([deps.authOrigin]))
      .send(page);
  };

  app.get('/oauth/google/start', guard, async (req, reply) => {
    const { pairing: pairingId = '' } = req.query as { pairing?: string };
    try {
      const pairing = await deps.pairing.usable(pairingId);
      let formSecret = req.cookies[FORM_COOKIE];
      if (!formSecret) {
        formSecret = randomId(24);
        reply.setCookie(FORM_COOKIE, formSecret, { ...cookieOptions, sameSite: 'strict', maxAge: 3600 });
      }
      return await renderStart(reply, pairing, formSecret);
    } catch (err) {
      return sendError(reply, err);
    }
  });

  const beginBody = z.object({
    pairing: z.string().max(100),
    code: z.string().max(40),
    form_token: z.string().max(100).default(''),
  });
  app.post('/oauth/google/begin', guard, async (req, reply) => {
    const body = beginBody.safeParse(req.body);
    if (!body.success) {
      return sendError(reply, new AppError('form_invalid', 'The form was incomplete.', { httpStatus: 400 }));
    }
    if (!fromOurStartPage(req, body.data.pairing, body.data.form_token)) {
      return sendError(
        reply,
        new AppError('form_foreign', 'This form was not sent from the Mailbridge page in this browser.', {
          httpStatus: 403,
        }),
      );
    }
    try {
      const { redirectUrl, attemptId, browserSecret } = await deps.flow.begin(
        body.data.pairing,
        body.data.code,
      );
      reply.setCookie(browserCookie(attemptId), browserSecret, {
        ...cookieOptions,
        sameSite: 'lax',
        maxAge: 600,
      });
      return reply
        .code(303)
        .headers({ ...pageHeaders(), location: redirectUrl })
        .send();
    } catch (err) {
      if (isAppError(err) && err.code === 'code_wrong') {
        const pairing = await deps.pairing.usable(body.data.pairing).catch(() => undefined);
        if (pairing) return renderStart(reply, pairing, req.cookies[FORM_COOKIE]!, err.message);
      }
      return sendError(reply, err);
    }
  });

  app.get('/oauth/google/callback', async (req, reply) => {
    const q = req.query as Record<string, unknown>;
    const pick = (k: string) => (typeof q[k] === 'string' ? q[k] : undefined);
    try {
      const result = await deps.flow.callback(
        { state: pick('state'), code: pick('code'), error: pick('error') },
        (attemptId) => req.cookies[browserCookie(attemptId)],
      );
      reply.clearCookie(browserCookie(result.attemptId), { path: COOKIE_PATH });
      const { connection } = result;
      const page = successPage({
        email: connection.email,
        purpose: result.purpose,
        ...(await deps.names.forPage(connection.userId)),
      });
      return reply.headers(pageHeaders()).send(page);
    } catch (err) {
      return sendError(reply, err);
    }
  });
}
