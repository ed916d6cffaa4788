/**
 * A flood of the connect start page while Slack rate-limits users.info: what the flood gets, how many
 * Slack lookups it causes, and how long a DM of the deployment takes meanwhile.
 * Run: npx tsx bench/connect-flood.ts [hits]
 */
import { startStack } from '../test/helpers/stack';
import { connectUser, requestPrompt } from '../test/helpers/connect-flow';

const hits = Number(process.argv[2] ?? 150);

async function main() {
  const stack = await startStack({ env: { LOG_LEVEL: 'warn' } });
  try {
    for (const id of ['UFLOOD1', 'UFLOOD2']) stack.slack.addUser({ id, name: id.toLowerCase() });
    const prompt = await requestPrompt(stack, 'UFLOOD1');
    stack.slack.fail('users.info', { status: 429, retryAfter: 600, times: 1_000_000 });
    const calls = (m: string) => stack.slack.calls.filter((c) => c.method === m).length;

    const t0 = performance.now();
    const flood = Promise.all(
      Array.from({ length: hits }, (_, i) =>
        fetch(`${stack.baseUrl}/oauth/google/start?pairing=${prompt.pairingId}`, {
          headers: { 'fly-client-ip': `10.9.${i >> 8}.${i & 255}` },
        }).then(async (r) => (await r.text(), r.status)),
      ),
    );
    const dm = connectUser(stack, { userId: 'UFLOOD2', email: 'flood@example.com' }).then(() =>
      stack.slack.waitForMessage(
        (m) => m.kind === 'postMessage' && /Connected as flood@example.com/.test(m.text ?? ''),
        120_000,
      ),
    );
    const statuses = await flood;
    const floodMs = performance.now() - t0;
    await dm;
    const dmMs = performance.now() - t0;

    const byStatus = statuses.reduce<Record<number, number>>(
      (acc, s) => ({ ...acc, [s]: (acc[s] ?? 0) + 1 }),
      {},
    );
    console.log(
      `${hits} parallel start-page hits on one pairing in ${floodMs.toFixed(0)} ms: ${JSON.stringify(byStatus)}`,
    );
    console.log(
      `Slack calls during the flood: users.info ${calls('users.info')}, team.info ${calls('team.info')}`,
    );
    console.log(`a whole connection (pages, Google, DM) meanwhile: DM after ${dmMs.toFixed(0)} ms`);
  } finally {
    await stack.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
