/** Gmail OAuth scopes Mailbridge asks for or recognises in a grant. */
export const SCOPES = {
  send: 'https://www.googleapis.com/auth/gmail.send',
  email: 'https://www.googleapis.com/auth/userinfo.email',
  metadata: 'https://www.googleapis.com/auth/gmail.metadata',
  readonly: 'https://www.googleapis.com/auth/gmail.readonly',
  modify: 'https://www.googleapis.com/auth/gmail.modify',
} as const;

/** Scopes that let us read message headers (notifications, Sent reconciliation). */
export const READ_SCOPES: readonly string[] = [
  SCOPES.metadata,
  SCOPES.readonly,
  SCOPES.modify,
  'https://mail.google.com/',
];
/** Scopes that allow `q` searches (Message-ID reconciliation); gmail.metadata does not. */
export const SEARCH_SCOPES: readonly string[] = [SCOPES.readonly, SCOPES.modify, 'https://mail.google.com/'];
