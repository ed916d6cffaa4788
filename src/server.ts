import './runtime-flags';
import { loadConfig, ConfigError } from './config';
import { buildApp } from './app';
import { createLogger } from './shared/logger';
import { startIdleCollector } from './platform/idle-gc';

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

  // close() drains within SHUTDOWN_TIMEOUT_MS, then closes each connection within what is left of the bound
  // + 1.5 s (src/shared/close-budget.ts), forcing those that hang. The process then ends on its own once
  // nothing is left running; at the bound + 2 s it exits whatever still runs (a dependency that hangs,
  // work the drain abandoned). That is still a clean shutdown: nothing is lost, unfinished jobs resume
  // on another machine once their locks lapse. Only a drain that threw ends in exit code 1.
  // Less a margin for the exit itself, so that the process is gone by the bound + 2 s.
  const exitBoundMs = config.SHUTDOWN_TIMEOUT_MS + 2_000 - 250;
  let closing: Promise<void> | undefined;
  let stopIdleCollector = () => undefined as void;
  const shutdown = (signal: string) => {
    if (closing) return;
    log.info({ signal }, 'shutting down');
    // A drain is an idle stretch the collector must not spend on a full collection.
    stopIdleCollector();
    let closed = false;
    const hardStop = setTimeout(() => {
      log.warn(
        { closed, resources: process.getActiveResourcesInfo() },
        closed
          ? 'handles still open after shutdown; exiting without them'
          : 'shutdown reached its bound with connections still hanging; exiting (nothing is lost: unfinished jobs resume elsewhere)',
      );
      process.exit(0);
    }, exitBoundMs);
    hardStop.unref();
    closing = app.close().then(
      () => {
        closed = true;
        log.info('shutdown complete');
        process.exitCode = 0;
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
  // Once start-up's burst is over and the process idles, its garbage and grown young generation go.
  if (!closing) stopIdleCollector = startIdleCollector(log);
  log.info({ port: config.PORT, metricsPort: app.metricsPort() }, 'mailbridge ready');
}

main().catch((err) => {
  process.stderr.write(`mailbridge failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
