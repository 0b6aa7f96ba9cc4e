// Public surface of @troupe/realtime-core: explicit re-exports only, no logic.
export * from './audio/index.ts';
export * from './persona/index.ts';
export * from './protocol/index.ts';
export * from './provider/index.ts';
export * from './room/index.ts';
export * from './session/index.ts';
export * from './transport/index.ts';
export { monotonicClock } from './util/monotonic-clock.ts';
export { TypedEmitter } from './util/typed-emitter.ts';
