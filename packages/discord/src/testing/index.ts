// Test doubles for the command layer's seams (unit tests only; e2e tests use the emulators).
export { type FakeOpts, fakeInteraction } from './fake-interaction.ts';
export { FakeSession, FakeVoice, P, silentLogger } from './fake-voice.ts';
