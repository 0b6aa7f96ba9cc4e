export {
  type ClientEvent,
  type ClientEventOf,
  type ClientEventType,
  type ConversationItem,
  clientEventSchemas,
  type SessionConfigWire,
} from './client-events.ts';
export {
  DEFAULT_MAX_EVENT_BYTES,
  decodeClientEvent,
  decodeServerEvent,
  encodeClientEvent,
  encodeServerEvent,
  type WireData,
} from './codec.ts';
export { serverEventFixtures } from './fixtures.ts';
export {
  type InvalidEvent,
  type InvalidProblem,
  type KnownServerEvent,
  type KnownServerEventType,
  type ServerEvent,
  type ServerEventOf,
  serverEventAliases,
  serverEventSchemas,
  type UnknownServerEvent,
} from './server-events.ts';
export { STEPFUN_SAMPLES, type StepfunSample } from './stepfun-samples.ts';
