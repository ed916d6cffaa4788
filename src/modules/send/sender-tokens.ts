import { isAppError } from '../../shared/errors';
import type { AccessTokens, Token, TokenFailure } from './domain/ports';

/**
 * What the connect module's failures mean for a send. Its codes, and the sealer's for stored
 * credentials that cannot be opened; anything else is Google's token endpoint failing (nothing sent).
 */
const TOKEN_FAILURES: Readonly<Record<string, TokenFailure>> = {
  not_connected: 'not_connected',
  connection_invalid: 'connection_invalid',
  unknown_key_version: 'credentials_unreadable',
  sealed_data_corrupt: 'credentials_unreadable',
  sealed_data_tampered: 'credentials_unreadable',
};

const failureOf = (err: unknown): TokenFailure =>
  (isAppError(err) && Object.hasOwn(TOKEN_FAILURES, err.code) && TOKEN_FAILURES[err.code]) || 'unavailable';

/** The connect module's access tokens, with their failures told as the send domain knows them. */
export function senderTokens(tokens: {
  forConnection(connectionId: string): Promise<Token>;
  forget(connectionId: string): void;
}): AccessTokens {
  return {
    forConnection: (id) => tokens.forConnection(id).catch((err: unknown) => ({ failure: failureOf(err) })),
    forget: (id) => tokens.forget(id),
  };
}
