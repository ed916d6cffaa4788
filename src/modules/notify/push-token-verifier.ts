import { OAuth2Client } from 'google-auth-library';
import type { Config } from '../../config';
import type { PushClaims } from './domain/push-auth';

/**
 * Verifies the signature of a Pub/Sub push OIDC token against Google's certificates (fetched from the
 * configured URL, cached by the one long-lived client). The claims themselves are checked by the domain.
 */
export function createPushTokenVerifier(config: Config) {
  const verifier = new OAuth2Client({
    endpoints: { oauth2FederatedSignonPemCertsUrl: config.GOOGLE_OAUTH_CERTS_URL },
    transporterOptions: { fetchImplementation: globalThis.fetch, timeout: config.HTTP_TIMEOUT_MS },
  });
  return async (idToken: string, audience: string): Promise<PushClaims | undefined> => {
    try {
      return (await verifier.verifyIdToken({ idToken, audience })).getPayload();
    } catch {
      return undefined;
    }
  };
}
