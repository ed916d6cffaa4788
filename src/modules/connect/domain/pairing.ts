import { randomInt } from 'node:crypto';
import { hmacHex, randomId, safeEqual } from '../../../shared/crypto';
import type { Clock } from '../../../shared/clock';
import { connectErrors } from './errors';
import type { PairingStore } from './ports';
import type { Pairing, PairingPurpose } from './types';

export const PAIRING_TTL_MS = 10 * 60_000;
export const PAIRINGS_PER_HOUR = 10;
export const MAX_WRONG_CODES = 5;
/** No 0/O, 1/I/L: the code is read from Slack and typed on another device. */
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const CODE_LENGTH = 6;

export interface PairingDeps {
  pairings: PairingStore;
  clock: Clock;
  signingKey: string;
}

export const normalizeCode = (code: string) => code.toUpperCase().replace(/[^A-Z0-9]/g, '');
const hashCode = (key: string, pairingId: string, code: string) =>
  hmacHex(key, 'pairing-code', pairingId, normalizeCode(code));

const burnt = () => connectErrors.fail('pairing_burnt', 'pairing disabled after too many wrong codes');
const used = () => connectErrors.fail('pairing_used', 'pairing already used');

export function createPairingService(deps: PairingDeps) {
  return {
    /** A new pairing for the Slack user; the code is returned once and only its HMAC is stored. */
    async create(
      teamId: string,
      userId: string,
      purpose: PairingPurpose,
    ): Promise<{ id: string; code: string; expiresAt: Date }> {
      const now = deps.clock.now();
      const id = randomId(18);
      const code = Array.from(
        { length: CODE_LENGTH },
        () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)],
      ).join('');
      const expiresAt = new Date(now.getTime() + PAIRING_TTL_MS);
      const created = await deps.pairings.createWithinLimit(
        { id, teamId, userId, purpose, codeHash: hashCode(deps.signingKey, id, code), expiresAt },
        new Date(now.getTime() - 3_600_000),
        PAIRINGS_PER_HOUR,
      );
      if (!created) {
        throw connectErrors.fail('rate_limited', `over ${PAIRINGS_PER_HOUR} pairings in the last hour`);
      }
      return { id, code, expiresAt };
    },

    /** The pairing a start page may show, or why it cannot be used. */
    async usable(id: string): Promise<Pairing> {
      const pairing = /^[A-Za-z0-9_-]{10,64}$/.test(id) ? await deps.pairings.find(id) : undefined;
      if (!pairing) throw connectErrors.fail('pairing_unknown', 'no such pairing');
      // Refused first: once someone else signed in on it, that is what the link says, even after a use.
      if (pairing.refusedAt) {
        throw connectErrors.fail('pairing_refused', 'pairing refused after a sign-in by someone else');
      }
      if (pairing.usedAt) throw used();
      if (pairing.burntAt) throw burnt();
      if (pairing.expiresAt <= deps.clock.now())
        throw connectErrors.fail('pairing_expired', 'pairing expired');
      return pairing;
    },

    /** Checks the code; wrong codes count towards burning the pairing. On success the pairing is spent. */
    async redeem(id: string, code: string): Promise<Pairing> {
      const pairing = await this.usable(id);
      const checks = await deps.pairings.reserveCheck(id, MAX_WRONG_CODES, deps.clock.now());
      if (checks === undefined) {
        // No check left: used, burnt or expired since it was read; `usable` names which.
        await this.usable(id);
        throw burnt();
      }
      if (!safeEqual(hashCode(deps.signingKey, id, code), pairing.codeHash)) {
        const left = MAX_WRONG_CODES - checks;
        if (left === 0) throw burnt();
        throw connectErrors.fail('code_wrong', `wrong pairing code, ${left} left`, {
          details: { attemptsLeft: left },
        });
      }
      if (!(await deps.pairings.consume(id, deps.clock.now()))) {
        // Used or refused since it was read; `usable` names which.
        await this.usable(id);
        throw used();
      }
      return pairing;
    },
  };
}

export type PairingService = ReturnType<typeof createPairingService>;
