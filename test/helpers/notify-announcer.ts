import pino from 'pino';
import type { SlackEmulator } from '@mailbridge/slack-emulator';
import { createSlackAnnouncer } from '../../src/modules/notify/slack-announcer';
import type { MailboxRecord } from '../../src/modules/notify/domain/types';
import { slackError } from '../../src/modules/notify/slack-errors';

/**
 * One announcer, as one process has it, talking to the Slack emulator. Each call announces one new mail
 * (a fresh Gmail id) to `userId`'s DM and resolves with undefined, or with the error the announcer threw.
 */
export function emulatorAnnouncer(emu: SlackEmulator, now: Date) {
  const app = {
    config: { HTTP_TIMEOUT_MS: 1_000, SLACK_BOT_TOKEN: emu.botToken, SLACK_API_URL: emu.apiUrl },
    metrics: { notifications: { inc: () => undefined } },
    clock: { now: () => now },
  };
  const slackCall = async <T>(call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (err) {
      throw slackError(err);
    }
  };
  const { announce, findAnnounced } = createSlackAnnouncer(
    app as never,
    pino({ level: 'silent' }),
    slackCall,
  );
  let n = 0;
  const announceOne = (userId: string): Promise<unknown> => {
    const mailbox = { id: `mb-${userId}`, userId, email: 'me@example.com' } as MailboxRecord;
    const id = `g${++n}`;
    const mail = {
      id,
      threadId: id,
      labelIds: ['INBOX'],
      from: 'x@example.org',
      subject: id,
      receivedAt: now,
    };
    return announce(mailbox, { kind: 'single', mail }, now).then(
      () => undefined,
      (err: unknown) => err,
    );
  };
  /** The Gmail ids announced to `userId` (this process's announcements), read back from the DM. */
  const readBack = (userId: string) =>
    findAnnounced({ id: `mb-${userId}`, userId } as MailboxRecord, new Date(now.getTime() - 60_000));
  return Object.assign(announceOne, { readBack });
}
