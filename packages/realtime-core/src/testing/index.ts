export { ManualClock } from './manual-clock.ts';
export * from './resampler-contract.ts';
export { FakeModel, type HeardTurn, type ModelCall, RecordingSink, type SinkEntry } from './room-fakes.ts';
export { FakeSceneSessions } from './scene-fakes.ts';
export { ScriptedTransport, scriptedTransportFactory } from './scripted-transport.ts';
export { type TransportHarness, transportContract } from './transport-contract.ts';
