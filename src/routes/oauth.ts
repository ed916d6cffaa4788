import type { FastifyInstance, FastifyReply } from 'fastify';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import { z } from 'zod';
import { isAppError } from '../lib/errors';
import type { OAuthFlow } from '../domain/connect/oauth-flow';
import type { PairingService } from '../domain/connect/pairing';
import type { SlackMessenger } from '../integrations/slack-messenger';
import { messagePage, pageHeaders, startPage, successPage } from './pages';

const BROWSER_COOKIE = 'mb_oauth_browser';
const COOKIE_PATH = '/oauth/google';

const AGAIN = 'Run <code>/ai-email-connect</code> in Slack to get a new link and code.';

/** What the person sees for each way a connection can fail, always with a next step. */
const ERROR_PAGES: Record<string, { title: string; next: string }> = {
  pairing_unknown: { title: 'Link not valid', next: AGAIN },
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
  refresh_token_missing: {
    title: 'Offline access not granted',
    next: 'Remove Mailbridge at myaccount.google.com → Security → Third-party access, then run <code>/ai-email-connect</code> again.',
  },
};
const FALLBACK_ERROR = { title: 'Could not connect', next: `Please try again in a few minutes. ${AGAIN}` };

export interface OAuthRouteDeps {
  pairing: PairingService;
  flow: OAuthFlow;
  messenger: SlackMessenger;
  secureCookies: boolean;
  authOrigin: string;
}

export default async function oauthRoutes(app: FastifyInstance, deps: OAuthRouteDeps) {
  await app.register(cookie);
  await app.register(formbody, { bodyLimit: 4096 });

  const names = async (userId: string) => {
    const [user, team] = await Promise.all([deps.messenger.userInfo(userId), deps.messenger.teamName()]);
    return { userName: user?.name ?? userId, teamName: team ?? 'your workspace' };
  };

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

  app.get('/oauth/google/start', async (req, reply) => {
    const { pairing: pairingId = '' } = req.query as { pairing?: string };
    try {
      const pairing = await deps.pairing.usable(pairingId);
      const page = startPage({ pairingId, purpose: pairing.purpose, ...(await names(pairing.userId)) });
      // The form's submission redirects to Google: form-action must allow that origin or browsers stop the redirect.
      return reply.headers(pageHeaders([deps.authOrigin])).send(page);
    } catch (err) {
      return sendError(reply, err);
    }
  });

  const beginBody = z.object({ pairing: z.string().max(100), code: z.string().max(40) });
  app.post('/oauth/google/begin', async (req, reply) => {
    const body = beginBody.safeParse(req.body);
    if (!body.success) return sendError(reply, undefined);
    try {
      const { redirectUrl, browserSecret } = await deps.flow.begin(body.data.pairing, body.data.code);
      reply.setCookie(BROWSER_COOKIE, browserSecret, {
        httpOnly: true,
        secure: deps.secureCookies,
        sameSite: 'lax',
        path: COOKIE_PATH,
        maxAge: 600,
      });
      return reply
        .code(303)
        .headers({ ...pageHeaders([deps.authOrigin]), location: redirectUrl })
        .send();
    } catch (err) {
      if (isAppError(err) && err.code === 'code_wrong') {
        const pairing = await deps.pairing.usable(body.data.pairing).catch(() => undefined);
        if (pairing) {
          const page = startPage({
            pairingId: body.data.pairing,
            purpose: pairing.purpose,
            error: err.message,
            ...(await names(pairing.userId)),
          });
          return reply
            .code(400)
            .headers(pageHeaders([deps.authOrigin]))
            .send(page);
        }
      }
      return sendError(reply, err);
    }
  });

  app.get('/oauth/google/callback', async (req, reply) => {
    const q = req.query as Record<string, string | undefined>;
    const pick = (k: string) => (typeof q[k] === 'string' ? q[k] : undefined);
    try {
      const result = await deps.flow.callback(
        { state: pick('state'), code: pick('code'), error: pick('error'), scope: pick('scope') },
        req.cookies[BROWSER_COOKIE],
      );
      reply.clearCookie(BROWSER_COOKIE, { path: COOKIE_PATH });
      const { connection } = result;
      const page = successPage({
        email: connection.email,
        purpose: result.purpose,
        ...(await names(connection.userId)),
      });
      return reply.headers(pageHeaders()).send(page);
    } catch (err) {
      return sendError(reply, err);
    }
  });
}
