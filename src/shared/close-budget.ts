import type { FastifyInstance } from 'fastify';
import { withTimeout } from './timeout';

/**
 * What closing connections may add to the drain's SHUTDOWN_TIMEOUT_MS. The process exits at the bound
 * + 2 s whatever still hangs (src/server.ts); the rest of those 2 s is left to the exit itself.
 */
export const CLOSE_PHASE_MS = 1_500;

export interface CloseBudget {
  /**
   * Awaits `close` within what is left; past it, calls `force` (when the client has a forced close)
   * and logs what hung. Never throws: a dependency that hangs while we close loses nothing, since
   * unfinished jobs resume on another machine once their locks lapse. Resolves whether it closed cleanly.
   */
  close(what: string, close: () => Promise<unknown>, force?: () => void): Promise<boolean>;
}

/** The close budget of one plugin; its clock starts when the shutdown does (the first preClose hooks). */
export function closeBudget(app: FastifyInstance): CloseBudget {
  let startedAt: number | undefined;
  app.addHook('preClose', async () => {
    startedAt ??= Date.now();
  });
  /** Milliseconds left for closing, counted from the start of the shutdown (never negative). */
  const left = () =>
    Math.max(0, (startedAt ?? Date.now()) + app.config.SHUTDOWN_TIMEOUT_MS + CLOSE_PHASE_MS - Date.now());
  return {
    async close(what, close, force) {
      // A close that fails fast is a connection already gone: forcing it costs nothing.
      const outcome = await withTimeout(close(), left()).then(
        () => 'closed' as const,
        (err) =>
          err instanceof Error && err.message === 'timeout' ? ('hung' as const) : ('failed' as const),
      );
      if (outcome === 'closed') return true;
      try {
        force?.();
      } catch {
        // Forcing a client that is already gone has nothing left to do.
      }
      if (outcome === 'hung') {
        app.log.warn(
          { dependency: what },
          `${what} still hanging at the shutdown's bound; closed forcibly (nothing is lost: unfinished jobs resume elsewhere)`,
        );
      }
      return false;
    },
  };
}
