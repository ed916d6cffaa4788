import { randomInt } from 'node:crypto';
import { AppError } from '../../../shared/errors';
import { hmacHex, randomId, safeEqual } from '../../../shared/crypto';
import type { Clock } from '../../../shared/clock';
import type { Pairing, PairingPurpose, PairingRepo } from '../pairing-store';

export const PAIRING_TTL_MS = 10 * 60_000;
export const PAIRINGS_PER_HOUR = 10;
export const MAX_WRONG_CODES = 5;
/** No 0/O, 1/I/L: the code is read from Slack and typed on another device. */
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const CODE_LENGTH = 6;

export interface PairingDeps {
  pairings: PairingRepo;
  clock: Clock;
  signingKey: string;
}

export const normalizeCode = (code: string) => code.toUpperCase().replace(/[^A-Z0-9]/g, '');
const hashCode = (key: string, pairingId: string, code: string) =>
  hmacHex(key, 'pairing-code', pairingId, normalizeCode(code));

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
        throw new AppError(
          'rate_limited',
          'Too many connection attempts in the last hour. Please try again later.',
          { httpStatus: 429 },
        );
      }
      return { id, code, expiresAt };
    },

    /** The pairing a start page may show, or why it cannot be used. */
    async usable(id: string): Promise<Pairing> {
      const pairing = /^[A-Za-z0-9_-]{10,64}$/.test(id) ? await deps.pairings.find(id) : undefined;
      if (!pairing)
        throw new AppError('pairing_unknown', 'This connection link is not valid.', { httpStatus: 404 });
      if (pairing.usedAt)
        throw new AppError('pairing_used', 'This connection link was already used.', { httpStatus: 410 });
      if (pairing.burntAt) {
        throw new AppError(
          'pairing_burnt',
          'Too many wrong codes were entered for this link, so it was disabled.',
          { httpStatus: 410 },
        );
      }
      if (pairing.expiresAt <= deps.clock.now())
        throw new AppError('pairing_expired', 'This connection link has expired.', { httpStatus: 410 });
      return pairing;
    },

    /** Checks the code; wrong codes count towards burning the pairing. On success the pairing is spent. */
    async redeem(id: string, code: string): Promise<Pairing> {
      const pairing = await this.usable(id);
      const checks = await deps.pairings.reserveCheck(id, MAX_WRONG_CODES, deps.clock.now());
      if (checks === undefined) {
        // No check left: used, burnt or expired since it was read; `usable` names which.
        await this.usable(id);
        throw new AppError(
          'pairing_burnt',
          'Too many wrong codes were entered for this link, so it was disabled.',
          {
            httpStatus: 410,
          },
        );
      }
      if (!safeEqual(hashCode(deps.signingKey, id, code), pairing.codeHash)) {
        const left = MAX_WRONG_CODES - checks;
        if (left === 0) {
          throw new AppError(
            'pairing_burnt',
            'Too many wrong codes were entered for this link, so it was disabled.',
            { httpStatus: 410 },
          );
        }
        throw new AppError(
          'code_wrong',
          `That code is not right. ${left} ${left === 1 ? 'try' : 'tries'} left.`,
          {
            httpStatus: 400,
            details: { attemptsLeft: left },
          },
        );
      }
      if (!(await deps.pairings.consume(id, deps.clock.now()))) {
        throw new AppError('pairing_used', 'This connection link was already used.', { httpStatus: 410 });
      }
      return pairing;
    },
  };
}

export type PairingService = ReturnType<typeof createPairingService>;
