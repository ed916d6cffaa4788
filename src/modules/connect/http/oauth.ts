import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import { z } from 'zod';
import { hmac, randomId, safeEqual } from '../../../shared/crypto';
import { connectErrors } from '../domain/errors';
import type { Pairing } from '../domain/types';
import type { OAuthFlow } from '../domain/oauth-flow';
import type { PairingService } from '../domain/pairing';
import type { SlackNames } from '../slack-names';
import type { ConnectPageLimits } from '../page-limits';
import { connectPageGuard, type AddressTrust } from './page-guard';
import { messagePage, pageHeaders, startPage, successPage } from './pages';
import { errorPage } from './oauth-errors';

/** One cookie per OAuth attempt, so two tabs never overwrite each other's binding. */
const browserCookie = (attemptId: string) => `mb_oauth_${attemptId}`;
/** Set by the start page; SameSite=Strict, so a form posted from another site never carries it. */
const FORM_COOKIE = 'mb_form';
const COOKIE_PATH = '/oauth/google';

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
    const { status, page } = errorPage(err);
    if (status >= 500) reply.log.error({ err }, 'oauth page failed');
    else reply.log.info({ code: connectErrors.is(err) ? err.code : undefined }, 'oauth flow stopped');
    return reply.code(status).headers(pageHeaders()).send(messagePage(page));
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
      return sendError(reply, connectErrors.fail('form_invalid', 'The form was incomplete.'));
    }
    if (!fromOurStartPage(req, body.data.pairing, body.data.form_token)) {
      return sendError(
        reply,
        connectErrors.fail(
          'form_foreign',
          'This form was not sent from the Mailbridge page in this browser.',
        ),
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
      if (connectErrors.is(err) && err.code === 'code_wrong') {
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
