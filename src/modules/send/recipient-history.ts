import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { createSendAudit } from './send-audit';
import type { PrismaClient } from '../../generated/prisma/client';
import { hmacHex } from '../../shared/crypto';
import { createRecipientMarks, recipientAddresses, type RecipientHistory } from './domain/recipient-marks';
import type { SendAudit } from './domain/ports';

/** A purpose label of its own: these hashes never equal any other keyed value of the app. */
const PURPOSE = 'sent-recipient';

/**
 * The history in Postgres (`sent_recipients`), one row per person and address hash. The hash is
 * keyed and includes the person, so the table neither reveals addresses nor links people who wrote
 * to the same one. A new signing key starts an empty history (every address is new again).
 */
export function createRecipientHistory(prisma: PrismaClient, key: string): RecipientHistory {
  const hash = (teamId: string, userId: string, address: string) =>
    hmacHex(key, PURPOSE, teamId, userId, address.toLowerCase());
  return {
    async known(teamId, userId, addresses) {
      const byHash = new Map(addresses.map((a) => [hash(teamId, userId, a), a.toLowerCase()]));
      const rows = await prisma.sentRecipient.findMany({
        where: { teamId, userId, addressHash: { in: [...byHash.keys()] } },
        select: { addressHash: true },
      });
      return new Set(rows.map((r) => byHash.get(r.addressHash)!));
    },
    async remember(teamId, userId, addresses) {
      await prisma.sentRecipient.createMany({
        data: addresses.map((a) => ({ teamId, userId, addressHash: hash(teamId, userId, a) })),
        skipDuplicates: true,
      });
    },
  };
}

/**
 * The audit trail, remembering the recipients of every email that was sent (the `success` decision
 * carries them). Best effort: the email left already, so a failed write is only logged (the
 * address then stays marked new, the cautious side).
 */
export function rememberingRecipients(audit: SendAudit, history: RecipientHistory, log: Logger): SendAudit {
  return {
    async record(entry) {
      await audit.record(entry);
      if (entry.result !== 'success' || !entry.recipients) return;
      await history
        .remember(entry.teamId, entry.userId, recipientAddresses(entry.recipients))
        .catch((err: unknown) =>
          log.warn(
            { err: { message: (err as Error).message }, draftId: entry.draftId },
            'recipients not remembered',
          ),
        );
    },
  };
}

/** The audit trail that remembers recipients, and the marks a preview or the modal shows. */
export function recipientMarking(app: FastifyInstance, log: Logger) {
  const { config } = app;
  const history = createRecipientHistory(app.prisma, config.GMAIL_OAUTH_STATE_SIGNING_KEY);
  const marks = createRecipientMarks({
    history,
    workspaceDomains: config.WORKSPACE_EMAIL_DOMAINS,
    warn: (msg, err) => log.warn({ err: { message: (err as Error).message } }, msg),
  });
  return { audit: rememberingRecipients(createSendAudit(app.prisma, app.sealer), history, log), marks };
}
