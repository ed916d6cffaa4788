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

  let closing: Promise<void> | undefined;
  const shutdown = (signal: string) => {
    if (closing) return;
    log.info({ signal }, 'shutting down');
    const hardStop = setTimeout(() => {
      log.error('shutdown exceeded its bound; exiting');
      process.exit(1);
    }, config.SHUTDOWN_TIMEOUT_MS + 10_000);
    hardStop.unref();
    closing = app.close().then(
      () => {
        log.info('shutdown complete');
        process.exitCode = 0;
      },
      (err) => {
        log.error({ err }, 'shutdown failed');
        process.exitCode = 1;
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
  log.info({ port: config.PORT }, 'mailbridge ready');
}

main().catch((err) => {
  process.stderr.write(`mailbridge failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
