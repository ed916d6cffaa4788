export { startGoogleEmulator } from './server';
export { decodeJwt } from './jwt';
export type { ParsedMessage } from './mime';
export * from './types';
