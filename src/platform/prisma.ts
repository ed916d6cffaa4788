import fp from 'fastify-plugin';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client';
import { closeBudget } from '../shared/close-budget';

declare module 'fastify' {
  interface FastifyInstance {
    prisma: PrismaClient;
  }
}

export function createPrismaClient(databaseUrl: string): PrismaClient {
  const adapter = new PrismaPg({ connectionString: databaseUrl, connectionTimeoutMillis: 5_000, max: 10 });
  return new PrismaClient({ adapter });
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
    const prisma = createPrismaClient(opts.databaseUrl);
    await prisma.$connect();
    forgetCompilerSource();
    app.decorate('prisma', prisma);
    // Ending the pool waits for Postgres to acknowledge; Prisma has no forced close, so past the
    // shutdown's bound the process stops waiting and its exit drops the sockets.
    const budget = closeBudget(app);
    app.addHook('onClose', async () => {
      await budget.close('postgres', () => prisma.$disconnect());
    });
  },
  { name: 'prisma' },
);
