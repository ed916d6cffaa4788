import fp from 'fastify-plugin';
import { withTimeout } from '../shared/timeout';

declare module 'fastify' {
  interface FastifyInstance {
    /** Opens the Slack socket and starts the workers; called once the HTTP server listens. */
    startBackground(): Promise<void>;
  }
}

/**
 * Start and drain of the background work. On close, everything stops taking new work before anything
 * closes, all within SHUTDOWN_TIMEOUT_MS: HTTP stops accepting and answers what it holds; the socket
 * closes, then the workers let active jobs finish or abandon them. A signal during start-up waits for
 * the start to settle, so nothing opens after resources close. Registered last, so that its drain runs
 * after every other plugin's close budget has started counting.
 */
export default fp(
  async (app, opts: { shutdownTimeoutMs: number }) => {
    let starting: Promise<void> = Promise.resolve();
    app.addHook('preClose', async () => {
      const deadline = Date.now() + opts.shutdownTimeoutMs;
      const left = () => deadline - Date.now();
      const stopBackground = async () => {
        await withTimeout(starting, left()).catch(() => undefined);
        await withTimeout(app.slack.stop(), left()).catch((err) =>
          app.log.warn({ err }, 'slack socket did not close cleanly'),
        );
        await app.jobs.stop(left());
      };
      await Promise.all([app.drainHttp(left()), stopBackground()]);
    });
    app.decorate('startBackground', () => {
      starting = (async () => {
        await app.jobs.start();
        await app.slack.start();
      })();
      return starting;
    });
  },
  { name: 'lifecycle', dependencies: ['http-server', 'workers', 'slack'] },
);
