import fp from 'fastify-plugin';
import { createSealer, type Sealer } from '../shared/crypto';

declare module 'fastify' {
  interface FastifyInstance {
    /** Seals and opens stored secrets with the configured keys (current first, previous for reading). */
    sealer: Sealer;
  }
}

/** The process's keys, parsed once from the configuration. */
export default fp(
  async (app) => {
    app.decorate('sealer', createSealer(app.config.encryptionKeys));
  },
  { name: 'sealer' },
);
