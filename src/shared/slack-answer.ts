import type { Logger } from 'pino';
import { isAppError, type AppError } from './errors';
import type { SlackMessage } from './slack-messenger';

/** A listener's words for each known code: fixed text, or text built from the error's details. */
export type SlackErrorTexts = Readonly<Record<string, string | ((err: AppError) => string)>>;

export interface KnownErrorAnswer {
  texts: SlackErrorTexts;
  /** What the person reads when the failure is not theirs to fix (it is logged). */
  fallback: string;
  answer(message: SlackMessage): Promise<unknown>;
  log: Logger;
  /** Log context naming the listener. */
  context: Record<string, unknown>;
}

/**
 * Runs a Slack listener's work after its ack. A failure whose code the listener knows is answered with its
 * words; any other failure is logged and answered with the fallback. The answer itself may fail (an expired
 * response_url): that is logged, never thrown into Bolt.
 */
export async function answeringKnownErrors(work: () => Promise<void>, o: KnownErrorAnswer): Promise<void> {
  try {
    await work();
  } catch (err) {
    const entry = isAppError(err) ? o.texts[err.code] : undefined;
    const text = entry === undefined ? undefined : typeof entry === 'string' ? entry : entry(err as AppError);
    if (text === undefined) o.log.error({ err, ...o.context }, 'slack listener failed');
    await o
      .answer({ text: text ?? o.fallback })
      .catch((answerErr: unknown) =>
        o.log.warn({ err: answerErr, ...o.context }, 'could not answer in Slack'),
      );
  }
}
