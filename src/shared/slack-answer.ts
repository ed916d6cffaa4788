import type { Logger } from 'pino';
import type { AppError } from './errors';
import { errorSummary } from './logger';
import type { SlackMessage } from './slack-messenger';

/** Words for some of one module's codes: fixed text, or text built from the error's details. */
export type ErrorWords<C extends string> = Partial<Record<C, string | ((err: AppError<C>) => string)>>;

/** Finds the words for a failure, if it is one of the codes a table words. */
export interface KnownErrors {
  wordsFor(err: unknown): string | undefined;
}

/**
 * Ties a words table to the module catalog its codes belong to, so a code is matched only as that
 * module's code (two modules may both name a `rate_limited`).
 */
export function knownErrors<C extends string>(
  errors: { is(err: unknown): err is AppError<C> },
  words: ErrorWords<C>,
): KnownErrors {
  return {
    wordsFor(err) {
      if (!errors.is(err)) return undefined;
      const entry = words[err.code];
      return typeof entry === 'function' ? entry(err) : entry;
    },
  };
}

export interface KnownErrorAnswer {
  known: readonly KnownErrors[];
  /** What the person reads when the failure is not theirs to fix (it is logged). */
  fallback: string;
  answer(message: SlackMessage): Promise<unknown>;
  log: Logger;
  /** Log context naming the listener. */
  context: Record<string, unknown>;
}

/**
 * Runs a Slack listener's work after its ack. A failure one of the listener's tables words is answered
 * with those words; any other failure is logged and answered with the fallback. The answer itself may
 * fail (an expired response_url): that is logged, never thrown into Bolt.
 */
export async function answeringKnownErrors(work: () => Promise<void>, o: KnownErrorAnswer): Promise<void> {
  try {
    await work();
  } catch (err) {
    const text = o.known.map((k) => k.wordsFor(err)).find((t) => t !== undefined);
    if (text === undefined) o.log.error({ err: errorSummary(err), ...o.context }, 'slack listener failed');
    await o
      .answer({ text: text ?? o.fallback })
      .catch((answerErr: unknown) =>
        o.log.warn({ err: errorSummary(answerErr), ...o.context }, 'could not answer in Slack'),
      );
  }
}
