/**
 * Sign in with Slack before the Google step: the browser proves which Slack person it is, and only the
 * person who asked for the pairing may go on. Anyone else burns the pairing.
 */
import { hmac, hmacHex, randomId, safeEqual, signToken, verifyToken } from '../../../shared/crypto';
import type { Clock } from '../../../shared/clock';
import { connectErrors } from './errors';
import type { PairingService } from './pairing';
import type { AuditLog, Notices, PairingStore, SignInStates, SlackIdentity } from './ports';
import type { Pairing } from './types';

export const SIGN_IN_TTL_MS = 10 * 60_000;
const STATE_PURPOSE = 'slack-sign-in-state';
const PROOF_PURPOSE = 'slack-signed-in';

interface StatePayload {
  /** The sign-in's id: its single use and its nonce. */
  s: string;
  p: string;
  /** HMAC of the browser's secret (its cookie). */
  b: string;
  e: number;
}

interface ProofPayload {
  p: string;
  t: string;
  u: string;
  e: number;
}

export interface SlackSignInDeps {
  pairing: Pick<PairingService, 'usable'>;
  pairings: Pick<PairingStore, 'find' | 'refuse'>;
  slack: SlackIdentity;
  states: SignInStates;
  audit: AuditLog;
  notices: Notices;
  clock: Clock;
  signingKey: string;
}

/** The nonce is derived from the sign-in's id, so nothing is stored for it. */
export const signInNonce = (key: string, signInId: string) =>
  hmac(key, 'slack-nonce', signInId).toString('base64url');
const browserHash = (key: string, secret: string) => hmacHex(key, 'slack-browser', secret);

const stateInvalid = () => connectErrors.fail('state_invalid', 'sign-in state not valid');

export function createSlackSignIn(deps: SlackSignInDeps) {
  const key = deps.signingKey;

  /** Reads and checks the state Slack sent back; the claim makes it good for one callback only. */
  async function claimState(state: string | undefined, browserSecretFor: (id: string) => string | undefined) {
    const payload = state ? verifyToken<StatePayload>(key, STATE_PURPOSE, state) : undefined;
    if (!payload || typeof payload.s !== 'string' || typeof payload.p !== 'string') throw stateInvalid();
    if (typeof payload.e !== 'number' || typeof payload.b !== 'string') throw stateInvalid();
    const now = deps.clock.now().getTime();
    if (payload.e <= now) throw connectErrors.fail('state_expired', 'sign-in state expired');
    const secret = browserSecretFor(payload.s);
    if (!secret || !safeEqual(browserHash(key, secret), payload.b)) {
      throw connectErrors.fail('browser_mismatch', 'sign-in finished in another browser');
    }
    if (!(await deps.states.claim(payload.s, payload.e - now))) {
      throw connectErrors.fail('state_used', 'sign-in state already used');
    }
    return payload;
  }

  return {
    /** The redirect to Slack for a usable pairing; the browser keeps `browserSecret` under `signInId`. */
    async start(
      pairingId: string,
    ): Promise<{ redirectUrl: string; signInId: string; browserSecret: string }> {
      const pairing = await deps.pairing.usable(pairingId);
      const signInId = randomId(18);
      const browserSecret = randomId(32);
      const state = signToken(key, STATE_PURPOSE, {
        s: signInId,
        p: pairing.id,
        b: browserHash(key, browserSecret),
        e: deps.clock.now().getTime() + SIGN_IN_TTL_MS,
      } satisfies StatePayload);
      const redirectUrl = deps.slack.authorizationUrl({
        state,
        nonce: signInNonce(key, signInId),
        team: pairing.teamId,
      });
      return { redirectUrl, signInId, browserSecret };
    },

    /**
     * Slack's redirect: the state, the code exchange and the id token (its nonce bound to this sign-in).
     * The pairing's own person gets a proof for the start page; anyone else burns the pairing.
     */
    async callback(
      q: { state?: string; code?: string; error?: string },
      browserSecretFor: (signInId: string) => string | undefined,
    ): Promise<{ pairingId: string; signInId: string; proof: string }> {
      const claimed = await claimState(q.state, browserSecretFor);
      if (q.error || !q.code) {
        // access_denied is the person cancelling on Slack's page: the pairing stays usable.
        throw connectErrors.fail('slack_sign_in_failed', `Slack answered ${q.error ?? 'without a code'}`);
      }
      const identity = await deps.slack.verifyIdToken(await deps.slack.exchangeCode(q.code));
      if (!identity.nonce || !safeEqual(identity.nonce, signInNonce(key, claimed.s))) {
        throw connectErrors.fail('slack_id_token_invalid', 'id token nonce is not this sign-in’s');
      }
      // Whoever signs in, a stranger burns the link, even one already used or expired.
      const stored = await deps.pairings.find(claimed.p);
      if (!stored) throw connectErrors.fail('pairing_unknown', 'no such pairing');
      if (identity.teamId !== stored.teamId || identity.userId !== stored.userId) {
        // Only the sign-in that refuses the link is audited and told: more states minted before it
        // (one per start page) must not let the same stranger send the person a message each.
        const refused = await deps.pairings.refuse(stored.id, deps.clock.now());
        if (!refused) throw connectErrors.fail('pairing_not_theirs', 'signed in as another Slack person');
        await deps.audit.record({
          teamId: stored.teamId,
          userId: stored.userId,
          kind: 'connect',
          result: 'refused',
          reason: `pairing_not_theirs: signed in to Slack as ${identity.teamId}/${identity.userId}`,
        });
        // The link is burnt and audited whatever happens to the message; a failed DM must not undo that.
        await deps.notices
          .tell(stored.teamId, stored.userId, {
            kind: 'link_refused',
            signedInAs: { teamId: identity.teamId, userId: identity.userId },
            afterUse: refused.wasUsed,
          })
          .catch(() => undefined);
        throw connectErrors.fail('pairing_not_theirs', 'signed in as another Slack person');
      }
      const owner = await deps.pairing.usable(stored.id);
      const proof = signToken(key, PROOF_PURPOSE, {
        p: owner.id,
        t: owner.teamId,
        u: owner.userId,
        e: owner.expiresAt.getTime(),
      } satisfies ProofPayload);
      return { pairingId: owner.id, signInId: claimed.s, proof };
    },

    /** Whether `proof` shows this browser signed in to Slack as the pairing's own person. */
    proves(proof: string | undefined, pairing: Pairing): boolean {
      const p = proof ? verifyToken<ProofPayload>(key, PROOF_PURPOSE, proof) : undefined;
      return (
        !!p &&
        p.p === pairing.id &&
        p.t === pairing.teamId &&
        p.u === pairing.userId &&
        typeof p.e === 'number' &&
        p.e > deps.clock.now().getTime()
      );
    },
  };
}

export type SlackSignIn = ReturnType<typeof createSlackSignIn>;
