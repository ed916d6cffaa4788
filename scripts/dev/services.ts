import net from 'node:net';
import path from 'node:path';
import { Client } from 'pg';
import { Redis } from 'ioredis';
import { migrate } from '../../src/platform/migrator';

async function reachable(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port) }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.setTimeout(1500, () => {
      socket.destroy();
      resolve(false);
    });
    socket.on('error', () => resolve(false));
  });
}

/**
 * Postgres and Redis for the dev stack: says how to start whichever is missing (and exits), creates the
 * database when absent and applies the migrations.
 */
export async function ensureServices(
  root: string,
  databaseUrl: string,
  redisUrl: string,
  say: (text: string) => void,
): Promise<void> {
  const problems: string[] = [];
  if (!(await reachable(databaseUrl.replace(/^postgres(ql)?:/, 'http:')))) {
    problems.push(
      `Postgres is not reachable at ${new URL(databaseUrl).host}. Start one, e.g.:`,
      '  Debian/Ubuntu: sudo apt-get install -y postgresql && sudo pg_ctlcluster 15 main start',
      '  macOS:         brew install postgresql@15 && brew services start postgresql@15',
      '  Docker:        docker run -d -p 5432:5432 -e POSTGRES_HOST_AUTH_METHOD=trust postgres:15',
      '  or set DATABASE_URL to an existing database.',
    );
  }
  if (!(await reachable(redisUrl.replace(/^rediss?:/, 'http:')))) {
    problems.push(
      `Redis is not reachable at ${new URL(redisUrl).host}. Start one, e.g.:`,
      '  Debian/Ubuntu: sudo apt-get install -y redis-server && redis-server --daemonize yes',
      '  macOS:         brew install redis && brew services start redis',
      '  Docker:        docker run -d -p 6379:6379 redis:7',
      '  or set REDIS_URL to an existing instance.',
    );
  }
  if (problems.length) {
    say(problems.join('\n'));
    process.exit(1);
  }
  const name = new URL(databaseUrl).pathname.slice(1);
  const adminUrl = new URL(databaseUrl);
  adminUrl.pathname = '/postgres';
  const admin = new Client({ connectionString: adminUrl.toString() });
  await admin.connect();
  const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  if (exists.rowCount === 0) await admin.query(`CREATE DATABASE "${name.replace(/"/g, '')}"`);
  await admin.end();
  const result = await migrate(databaseUrl, path.join(root, 'prisma', 'migrations'));
  if (result.applied.length) say(`Applied ${result.applied.length} migration(s) to ${name}.`);
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  await redis.quit();
}
