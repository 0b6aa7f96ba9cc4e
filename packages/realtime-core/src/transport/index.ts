export type {
  RealtimeTransport,
  TransportCloseInfo,
  TransportEvents,
  TransportFactory,
  TransportOptions,
} from './types.ts';
export { createWsTransport, parseRetryAfter, type WsTransportOptions } from './ws-transport.ts';
