import pino, { type Logger, type LoggerOptions } from 'pino';

/** Paths pino blanks out wherever they appear, so a careless log line cannot leak a secret. */
export const REDACT_PATHS = [
  'token',
  'accessToken',
  'access_token',
  'refreshToken',
  'refresh_token',
  'id_token',
  'query.code',
  'query.state',
  'code_verifier',
  'codeVerifier',
  'password',
  'secret',
  'authorization',
  'cookie',
  'body.raw',
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.token',
  '*.accessToken',
  '*.access_token',
  '*.refreshToken',
  '*.refresh_token',
  '*.id_token',
  '*.query.code',
  '*.authorization',
  '*.Authorization',
  '*.cookie',
  '*.secret',
  '*.client_secret',
  '*.raw',
];

export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    base: { service: 'mailbridge' },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: {
      err: pino.stdSerializers.err,
      // Query strings carry OAuth codes and state: requests are logged by path only.
      req: (req: { id?: string; method?: string; url?: string }) => ({
        id: req.id,
        method: req.method,
        path: req.url?.split('?')[0],
      }),
    },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
}

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return destination ? pino(loggerOptions(level), destination) : pino(loggerOptions(level));
}

export type { Logger };
