export { startSlackEmulator } from './server';
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
  UserInput,
  WebApiCall,
} from './types';
