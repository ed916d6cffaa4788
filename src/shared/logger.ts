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

/**
 * Parts of an error that describe the request or response behind it rather than the failure: an
 * HTTP client's config and headers (the bot token, an OAuth token), its request body (a view, a DM,
 * an email) or the answer's body. They are never logged, at any depth (a Slack `original` error
 * holds the axios error that holds them).
 */
const REQUEST_DETAILS = new Set([
  'original',
  'config',
  'request',
  'response',
  'headers',
  'body',
  'data',
  'options',
  'args',
]);

function withoutRequestDetails(value: unknown, depth: number): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth > 4) return '[nested]';
  if (Array.isArray(value)) return value.slice(0, 10).map((v) => withoutRequestDetails(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (!REQUEST_DETAILS.has(key)) out[key] = withoutRequestDetails(v, depth + 1);
  }
  return out;
}

/** pino's error serializer (type, message, stack, code...), without the request details above. */
export function errSerializer(err: unknown): unknown {
  // A plain object (errorSummary's) is logged as it is, minus the details above.
  return withoutRequestDetails(err instanceof Error ? pino.stdSerializers.err(err) : err, 0);
}

/** What to log of a failed call to Slack or Google: what went wrong, never the request. */
export function errorSummary(err: unknown): { message: string; code?: string; status?: number } {
  const e = (err ?? {}) as { message?: unknown; code?: unknown; statusCode?: unknown; status?: unknown };
  const status = typeof e.statusCode === 'number' ? e.statusCode : e.status;
  return {
    message: typeof e.message === 'string' ? e.message : String(err),
    ...(typeof e.code === 'string' ? { code: e.code } : {}),
    ...(typeof status === 'number' ? { status } : {}),
  };
}

export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    base: { service: 'mailbridge' },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: {
      err: errSerializer,
      error: errSerializer,
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
