import { gmail, type gmail_v1 } from '@googleapis/gmail';
import { OAuth2Client } from 'google-auth-library';
import type { Config } from '../config';

export type GmailApi = gmail_v1.Gmail;

/** Returns a Gmail client bound to one access token; refreshing is the caller's job (see access-tokens). */
export function createGmailFactory(config: Config) {
  return (accessToken: string): GmailApi => {
    const auth = new OAuth2Client({ transporterOptions: { fetchImplementation: globalThis.fetch } });
    auth.setCredentials({ access_token: accessToken });
    return gmail({
      version: 'v1',
      auth,
      rootUrl: config.GMAIL_API_URL,
      timeout: config.HTTP_TIMEOUT_MS,
      retry: false,
    });
  };
}

export type GmailFactory = ReturnType<typeof createGmailFactory>;
