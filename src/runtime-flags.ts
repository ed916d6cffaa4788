import { setFlagsFromString } from 'node:v8';

/**
 * V8 settings of the server process, applied before any other module loads (server.ts imports this
 * first). Prisma's query compiler is a large WebAssembly module: by default V8 compiles it twice, a
 * baseline first and then optimised code for its hot functions, and the second compilation's memory
 * stays in the process (about 50 MB of the idle RSS). Baseline code only (Liftoff) keeps it out, for
 * some 25 µs more CPU per model query (bench/README.md, "Memory and start-up").
 */
setFlagsFromString('--liftoff-only');
