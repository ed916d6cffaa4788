import { loadConfig, ConfigError } from './config';
import { buildApp } from './app';
import { createLogger } from './lib/logger';

/** The process: load config → build app → listen → start background work → drain on signals. */
async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\nSee README.md ("Configuration") or .env.example.\n`);
      process.exit(78);
    }
    throw err;
  }
  const log = createLogger(config.LOG_LEVEL);
  const app = await buildApp(config, { logger: log });

  // The drain inside close() ends by SHUTDOWN_TIMEOUT_MS; closing the connections after it takes moments.
  // The process then ends on its own once nothing is left running. What still runs at the bound + 2 s
  // (work the drain abandoned, awaiting an answer) resumes on another machine once its lock lapses, so
  // the process exits instead of waiting for it.
  const exitBoundMs = config.SHUTDOWN_TIMEOUT_MS + 2_000;
  let closing: Promise<void> | undefined;
  const shutdown = (signal: string) => {
    if (closing) return;
    log.info({ signal }, 'shutting down');
    const startedAt = Date.now();
    const hardStop = setTimeout(() => {
      log.error('shutdown exceeded its bound; exiting');
      process.exit(1);
    }, exitBoundMs);
    hardStop.unref();
    closing = app.close().then(
      () => {
        clearTimeout(hardStop);
        log.info('shutdown complete');
        process.exitCode = 0;
        const leftover = setTimeout(
          () => {
            log.warn(
              { resources: process.getActiveResourcesInfo() },
              'handles still open after shutdown; exiting without them',
            );
            process.exit(0);
          },
          Math.max(0, exitBoundMs - (Date.now() - startedAt) - 250),
        );
        leftover.unref();
      },
      (err) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  // A stray rejection inside a library is logged, not fatal; an uncaught exception is (state unknown).
  process.on('unhandledRejection', (reason) => log.error({ err: reason }, 'unhandled rejection'));
  process.on('uncaughtException', (err) => {
    log.fatal({ err }, 'uncaught exception');
    process.exit(1);
  });
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));

  await app.listen({ port: config.PORT, host: config.HOST });
  await app.startBackground();
  log.info({ port: config.PORT, metricsPort: app.metricsPort() }, 'mailbridge ready');
}

main().catch((err) => {
  process.stderr.write(`mailbridge failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
