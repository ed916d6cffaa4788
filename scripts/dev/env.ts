import net from 'node:net';

/** The credentials that decide between the real Slack and Google and the local emulators. */
export const REAL_SERVICE_VARS = [
  'SLACK_BOT_TOKEN',
  'SLACK_APP_TOKEN',
  'GMAIL_OAUTH_CLIENT_ID',
  'GMAIL_OAUTH_CLIENT_SECRET',
] as const;

/** `.env.example` ships these token prefixes as placeholders; alone they are no credential. */
const PLACEHOLDERS = new Set(['', 'xoxb-', 'xapp-']);

/** The credentials among REAL_SERVICE_VARS that are missing or still the example's placeholder. */
export function missingCredentials(env: NodeJS.ProcessEnv): string[] {
  return REAL_SERVICE_VARS.filter((name) => PLACEHOLDERS.has((env[name] ?? '').trim()));
}

/**
 * Variables of a `.env` meant for the real services that must not leak into the emulated stack: every
 * link, redirect and push must reach this machine's server, so they are derived from the local base URL.
 */
export const REAL_ONLY_VARS = ['PUBLIC_BASE_URL', 'GMAIL_OAUTH_REDIRECT_URI', 'GMAIL_PUSH_AUDIENCE'] as const;

/** Whether something already listens on host:port. */
export function portInUse(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', (err: NodeJS.ErrnoException) =>
      resolve(err.code === 'EADDRINUSE' || err.code === 'EACCES'),
    );
    srv.listen(port, host, () => srv.close(() => resolve(false)));
  });
}

/** `preferred` when nothing listens there, else a port the system picks (two dev stacks can run side by side). */
export async function portPreferring(preferred: number, host: string): Promise<number> {
  if (!(await portInUse(preferred, host))) return preferred;
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const chosen = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(chosen));
    });
  });
}

/** The sentence to print when a port the stack needs is taken, naming the variable that moves it. */
export function portTakenMessage(variable: 'PORT' | 'METRICS_PORT', port: number): string {
  return (
    `Port ${port} is already in use (another npm run dev or service?). ` +
    `Set ${variable} to a free port, e.g. ${variable}=${port + 1} npm run dev`
  );
}

/** Problems with the ports the server will listen on, one message each (empty when both are free). */
export async function portProblems(
  ports: { PORT: number; METRICS_PORT?: number },
  host: string,
): Promise<string[]> {
  const out: string[] = [];
  if (await portInUse(ports.PORT, host)) out.push(portTakenMessage('PORT', ports.PORT));
  if (ports.METRICS_PORT !== undefined && (await portInUse(ports.METRICS_PORT, host)))
    out.push(portTakenMessage('METRICS_PORT', ports.METRICS_PORT));
  return out;
}
