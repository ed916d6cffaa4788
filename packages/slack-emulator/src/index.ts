export { startSlackEmulator } from './server';
// Slack's own rules as the emulator enforces them, so tests can hold the app to the same ones.
export { blocksError } from './block-limits';
export { missingScope } from './scopes';
export type { IdTokenTamper, OidcOutage, SlackOidc } from './oidc';
export type {
  BlockActionInput,
  ChannelInput,
  Envelope,
  EnvelopeAck,
  EventOptions,
  FaultSpec,
  PostedMessage,
  SlackEmulator,
  SlackEmulatorOptions,
  SlashCommandInput,
  SocketConnectionRecord,
  SlackView,
  UserInput,
  ViewClickInput,
  ViewCloseInput,
  ViewErrorsRecord,
  ViewSubmissionResult,
  ViewSubmitInput,
  ViewValues,
  WebApiCall,
} from './types';
