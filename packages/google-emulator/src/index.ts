export { startGoogleEmulator } from './server';
export { decodeJwt } from './jwt';
export { parseMessage, type ParsedMessage } from './mime';
export * from './types';
