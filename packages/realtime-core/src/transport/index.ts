export type {
  RealtimeTransport,
  TransportCloseInfo,
  TransportEvents,
  TransportFactory,
  TransportOptions,
} from './types.ts';
export { createWsTransport, type WsTransportOptions } from './ws-transport.ts';
