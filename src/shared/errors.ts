/**
 * What a failure means for whoever meets it:
 * - `user`: the request itself is wrong or not allowed; retrying the same thing fails the same way.
 * - `transient`: something outside (Google, Slack, the network, a rate limit) failed; the same request may
 *   succeed later, so jobs retry it.
 * - `internal`: a defect or damaged data; retrying does not help and the operator must look.
 */
export type ErrorKind = 'user' | 'transient' | 'internal';

/** A module's closed set of error codes, each with its kind. Transports map the codes, never the messages. */
export type ErrorCatalog<C extends string> = Readonly<Record<C, ErrorKind>>;

export interface AppErrorOptions {
  kind?: ErrorKind;
  details?: Record<string, unknown>;
  cause?: unknown;
}

/** A failure with a stable code the transports map to HTTP statuses, pages, Slack replies and job retries. */
export class AppError<C extends string = string> extends Error {
  readonly code: C;
  readonly kind: ErrorKind;
  readonly details?: Record<string, unknown>;

  constructor(code: C, message: string, opts: AppErrorOptions = {}) {
    super(message, { cause: opts.cause });
    this.name = 'AppError';
    this.code = code;
    this.kind = opts.kind ?? 'internal';
    this.details = opts.details;
  }

  /** Jobs retry transient failures only; anything else fails for good at once. */
  get retryable(): boolean {
    return this.kind === 'transient';
  }
}

export const isAppError = (e: unknown): e is AppError => e instanceof AppError;

/**
 * A module's error vocabulary: `fail(code, message)` builds an error of the code's kind, `is(err)` narrows an
 * unknown failure to the module's codes (so a transport's table can be exhaustive over them).
 */
export function defineErrors<C extends string>(catalog: ErrorCatalog<C>) {
  const codes = Object.keys(catalog) as C[];
  return {
    catalog,
    codes,
    fail: (code: C, message: string, opts: Omit<AppErrorOptions, 'kind'> = {}) =>
      new AppError<C>(code, message, { ...opts, kind: catalog[code] }),
    is: (err: unknown): err is AppError<C> => isAppError(err) && Object.hasOwn(catalog, err.code),
  };
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
