// Generates the Prisma client without downloading engines: `prisma generate` only needs the
// query compiler (bundled), so the schema engine is pointed at a no-op binary when none is cached.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

if (!existsSync('prisma/schema.prisma')) process.exit(0);
const env = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: '1' };
if (!env.PRISMA_SCHEMA_ENGINE_BINARY && process.platform !== 'win32')
  env.PRISMA_SCHEMA_ENGINE_BINARY = '/bin/false';
const result = spawnSync('npx', ['--no-install', 'prisma', 'generate'], { stdio: 'inherit', env });
process.exit(result.status ?? 1);
