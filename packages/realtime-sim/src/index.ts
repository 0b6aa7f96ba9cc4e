export type { DropMode } from './connection.ts';
export { type RealtimeSim, type SimEvents, type SimFaults, startRealtimeSim } from './server.ts';
export type { SimOptions, SimResponseLog, SimSessionLog } from './types.ts';
export { DEFAULT_VAD, EnergyVad, type VadSettings } from './vad.ts';
export { estimatePitchHz, synthesizeSpeech, voicePitchHz } from './voice-synth.ts';
