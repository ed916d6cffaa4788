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
import { addressTrustFor, connectPageGuard } from './page-guard';
import { callbackQuery, messagePage, pageHeaders, redirectTo, startPage, successPage } from './pages';
import { errorPage, type ErrorPage } from './oauth-errors';
import { slackSignInRoutes } from './slack-sign-in';
import type { SlackSignIn } from '../domain/slack-sign-in';

/** One cookie per OAuth attempt, so two tabs never overwrite each other's binding. */
const browserCookie = (attemptId: string) => `mb_oauth_${attemptId}`;
/** Set by the start page; SameSite=Strict, so a form posted from another site never carries it. */
const FORM_COOKIE = 'mb_form';
const COOKIE_PATH = '/oauth/google';

export interface OAuthRouteDeps {
  signingKey: string;
  /** Where the pages are served from (PUBLIC_BASE_URL). */
  publicBaseUrl: string;
  /** Google's authorization endpoint, where the start form redirects. */
  googleAuthUrl: string;
  /** Set when running on Fly (FLY_APP_NAME). */
  flyAppName: string | undefined;
  pairing: PairingService;
  flow: OAuthFlow;
  names: SlackNames;
  limits: ConnectPageLimits;
  /** Sign in with Slack before the code, when SLACK_CLIENT_ID and SLACK_CLIENT_SECRET are set. */
  slackSignIn?: SlackSignIn;
}

const originOf = (url: string) => new URL(url).origin;
/** Cookies are Secure wherever the pages are served over HTTPS (plain HTTP only on a developer's machine). */
const secureCookiesFor = (publicBaseUrl: string) => publicBaseUrl.startsWith('https://');

export default async function oauthRoutes(app: FastifyInstance, deps: OAuthRouteDeps) {
  await app.register(cookie);
  await app.register(formbody, { bodyLimit: 4096 });

  // Public pages: bounded per pairing and per address before any database or Slack work.
  const guard = { preHandler: connectPageGuard(deps.limits, addressTrustFor(deps.flyAppName)) };
  const publicOrigin = originOf(deps.publicBaseUrl);
  const authOrigin = originOf(deps.googleAuthUrl);

  const cookieOptions = {
    httpOnly: true,
    secure: secureCookiesFor(deps.publicBaseUrl),
    path: COOKIE_PATH,
  } as const;
  const slack = deps.slackSignIn
    ? slackSignInRoutes(app, { signIn: deps.slackSignIn, secureCookies: cookieOptions.secure })
    : undefined;

  /** The start page's form token: bound to the pairing and to this browser's form cookie. */
  const formToken = (pairingId: string, formSecret: string) =>
    hmac(deps.signingKey, 'start-form', pairingId, formSecret).toString('base64url');

  /** The form must come from our own start page in this browser (no cross-site posts, no skipped identity page). */
  const fromOurStartPage = (req: FastifyRequest, pairingId: string, token: string) => {
    const site = req.headers['sec-fetch-site'];
    if (site !== undefined && site !== 'same-origin' && site !== 'none') return false;
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== 'null' && origin !== publicOrigin) return false;
    const secret = req.cookies[FORM_COOKIE];
    return Boolean(secret) && safeEqual(token, formToken(pairingId, secret!));
  };

  /** The start page; after a failure its row allows retrying in place, with the row's words as the alert. */
  const renderStart = async (
    reply: FastifyReply,
    pairing: Pairing,
    formSecret: string,
    failed?: Pick<ErrorPage, 'status' | 'page'>,
  ) => {
    const page = startPage({
      pairingId: pairing.id,
      purpose: pairing.purpose,
      formToken: formToken(pairing.id, formSecret),
      error: failed?.page.message,
      signedIn: slack !== undefined,
      ...(await deps.names.forPage(pairing.userId)),
    });
    // The form's submission redirects to Google: form-action must allow that origin or browsers stop the redirect.
    return reply
      .code(failed?.status ?? 200)
      .headers(pageHeaders([authOrigin]))
      .send(page);
  };

  /** A failed step answered by its row in the page table; `retry` names the start page to show again. */
  const sendError = async (
    reply: FastifyReply,
    err: unknown,
    retry?: { pairingId: string; formSecret: string | undefined },
  ) => {
    const answer = errorPage(err);
    if (answer.restart && retry?.formSecret) {
      const pairing = await deps.pairing.usable(retry.pairingId).catch(() => undefined);
      if (pairing) return renderStart(reply, pairing, retry.formSecret, answer);
    }
    if (!answer.theirs) reply.log.error({ err }, 'oauth page failed');
    else reply.log.info({ code: connectErrors.is(err) ? err.code : undefined }, 'oauth flow stopped');
    return reply.code(answer.status).headers(pageHeaders()).send(messagePage(answer.page));
  };

  app.get('/oauth/google/start', guard, async (req, reply) => {
    const { pairing: pairingId = '' } = req.query as { pairing?: string };
    try {
      const pairing = await deps.pairing.usable(pairingId);
      if (slack && !slack.passed(req, pairing)) return await slack.toSlack(reply, pairing.id);
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
      return sendError(reply, connectErrors.fail('form_invalid', 'begin form incomplete'));
    }
    if (!fromOurStartPage(req, body.data.pairing, body.data.form_token)) {
      return sendError(
        reply,
        connectErrors.fail('form_foreign', 'begin form not posted from our start page in this browser'),
      );
    }
    try {
      if (slack && !slack.passed(req, await deps.pairing.usable(body.data.pairing))) {
        throw connectErrors.fail(
          'sign_in_required',
          'begin form without a Slack sign-in as the pairing’s person',
        );
      }
      const { redirectUrl, attemptId, browserSecret } = await deps.flow.begin(
        body.data.pairing,
        body.data.code,
      );
      reply.setCookie(browserCookie(attemptId), browserSecret, {
        ...cookieOptions,
        sameSite: 'lax',
        maxAge: 600,
      });
      return redirectTo(reply, redirectUrl);
    } catch (err) {
      return sendError(reply, err, { pairingId: body.data.pairing, formSecret: req.cookies[FORM_COOKIE] });
    }
  });

  app.get('/oauth/google/callback', async (req, reply) => {
    try {
      const result = await deps.flow.callback(
        callbackQuery(req.query),
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
