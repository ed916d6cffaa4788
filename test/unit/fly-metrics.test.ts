import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../src/config';

/** `key = value` pairs per `[section]` of fly.toml (enough of TOML for these flat sections). */
function sections(toml: string): Map<string, Record<string, string>> {
  const out = new Map<string, Record<string, string>>([['', {}]]);
  let current = '';
  for (const raw of toml.split('\n')) {
    const line = raw.replace(/\s+#.*$/, '').trim();
    const header = /^\[\[?([^\]]+)\]\]?$/.exec(line);
    if (header) {
      current = header[1]!;
      out.set(current, out.get(current) ?? {});
      continue;
    }
    const kv = /^([A-Za-z_]+)\s*=\s*"?([^"]*)"?$/.exec(line);
    if (kv) out.get(current)![kv[1]!] = kv[2]!;
  }
  return out;
}

describe('fly.toml', () => {
  const fly = sections(readFileSync(path.resolve(__dirname, '../../fly.toml'), 'utf8'));

  it('when Fly scrapes metrics, then it reads the metrics listener, which the HTTP service does not publish', () => {
    const env = fly.get('env')!;
    expect(fly.get('metrics')).toEqual({ port: env.METRICS_PORT, path: '/metrics' });
    expect(fly.get('http_service')!.internal_port).toBe(env.PORT);
    expect(env.METRICS_PORT).not.toBe(env.PORT);
    expect([...fly.keys()].filter((s) => s === 'services' || s.startsWith('services.'))).toEqual([]);
  });

  it('when the drain takes its whole bound, then the process is gone before Fly kills it', () => {
    const config = loadConfig({
      PUBLIC_BASE_URL: 'https://mailbridge.fly.dev',
      DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/x',
      REDIS_URL: 'redis://127.0.0.1:6379',
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_APP_TOKEN: 'xapp-1',
      GMAIL_OAUTH_CLIENT_ID: 'id',
      GMAIL_OAUTH_CLIENT_SECRET: 'secret',
      GMAIL_OAUTH_STATE_SIGNING_KEY: 'k'.repeat(64),
      GMAIL_OAUTH_TOKEN_ENCRYPTION_KEY: Buffer.from(Array.from({ length: 32 }, (_, i) => i)).toString(
        'base64',
      ),
      GMAIL_PUBSUB_TOPIC: 'projects/p/topics/t',
      GMAIL_PUSH_SERVICE_ACCOUNT: 'push@p.iam.gserviceaccount.com',
      AGENT_API_KEY: 'a'.repeat(32),
      ...fly.get('env'),
    });
    expect(config.METRICS_PORT).toBe(Number(fly.get('env')!.METRICS_PORT));
    expect(config.SHUTDOWN_TIMEOUT_MS + 2_000).toBeLessThan(Number(fly.get('')!.kill_timeout) * 1000);
  });
});
