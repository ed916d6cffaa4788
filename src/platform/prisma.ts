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

export default fp(
  async (app, opts: { databaseUrl: string }) => {
    const prisma = createPrismaClient(opts.databaseUrl);
    await prisma.$connect();
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
