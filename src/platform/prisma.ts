import fp from 'fastify-plugin';
import pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client';
import { closeBudget } from '../shared/close-budget';

/** Plain SQL on the pool Prisma uses, for the few hot statements Prisma's client costs most on. */
export interface SqlPool {
  query<R extends object>(text: string, values?: unknown[]): Promise<{ rows: R[] }>;
}

declare module 'fastify' {
  interface FastifyInstance {
    prisma: PrismaClient;
    sql: SqlPool;
  }
}

const POOL = { connectionTimeoutMillis: 5_000, max: 10 };

/**
 * One pg pool for both: Prisma's client through its adapter, and plain parameterised SQL where a
 * statement runs on every push or sync (bench/README.md, fourth pass). `close` ends both.
 */
/**
 * Prisma's adapter sends dates without an offset, read in the session's time zone, while plain SQL
 * sends them with one: every session starts in UTC (a startup parameter, no extra round trip), so
 * both agree whatever the database's default. Added to the URL's own `options`, which pg would
 * otherwise let replace it.
 */
export function inUtc(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  const own = url.searchParams.get('options');
  url.searchParams.set('options', [own, '-c TimeZone=UTC'].filter(Boolean).join(' '));
  return url.toString();
}

export function createDatabase(databaseUrl: string, onIdleError: (err: Error) => void = () => undefined) {
  const pool = new pg.Pool({ connectionString: inUtc(databaseUrl), ...POOL });
  // Only idle connections' errors come here (a query's own reach its caller): one Postgres ends (a
  // restart, a failover) is dropped by the pool; without a listener its 'error' would be thrown,
  // and Prisma's own listener is gone once it disconnects.
  pool.on('error', onIdleError);
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  const sql: SqlPool = pool;
  const close = async () => {
    await prisma.$disconnect();
    await pool.end();
  };
  return { prisma, sql, close };
}

/** A client with a pool of its own, which `$disconnect` ends. */
export function createPrismaClient(databaseUrl: string): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: inUtc(databaseUrl), ...POOL }) });
}

/**
 * Prisma's query compiler arrives as a module holding the WebAssembly as one 4.5 MB base64 string;
 * `$connect()` compiles it, and nothing reads the string again, but the module cache would keep it
 * for the life of the process. Dropping the module from the cache (and from its importer's children)
 * lets it go; a second client would simply load it again.
 */
function forgetCompilerSource(): void {
  const cache = require.cache;
  for (const [id, mod] of Object.entries(cache)) {
    if (!mod || !/query_compiler_[^/]*\.wasm-base64\.js$/.test(id)) continue;
    delete cache[id];
    for (const importer of Object.values(cache)) {
      const at = importer?.children.indexOf(mod) ?? -1;
      if (at >= 0) importer!.children.splice(at, 1);
    }
  }
}

export default fp(
  async (app, opts: { databaseUrl: string }) => {
    const { prisma, sql, close } = createDatabase(opts.databaseUrl, (err) =>
      app.log.warn({ err: { message: err.message } }, 'postgres ended an idle connection'),
    );
    await prisma.$connect();
    forgetCompilerSource();
    app.decorate('prisma', prisma);
    app.decorate('sql', sql);
    // Ending the pool waits for Postgres to acknowledge; Prisma has no forced close, so past the
    // shutdown's bound the process stops waiting and its exit drops the sockets.
    const budget = closeBudget(app);
    app.addHook('onClose', async () => {
      await budget.close('postgres', close);
    });
  },
  { name: 'prisma' },
);
