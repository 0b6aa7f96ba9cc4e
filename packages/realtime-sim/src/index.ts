export type { DropMode } from './connection-io.ts';
export { RateLimiter } from './limits.ts';
export { OPENAI_MODELS, STEPFUN_MODELS, THINKING_MODELS } from './models.ts';
export {
  type HeardSpeech,
  placeholderTranscript,
  type ReplyContext,
  type SimScript,
  transcriptsByDuration,
} from './script.ts';
export { type RealtimeSim, type SimEvents, type SimFaults, startRealtimeSim } from './server.ts';
export type { SimOptions, SimResponseLog, SimSessionConfig, SimSessionLog } from './types.ts';
export { EnergyVad, openaiVad, STEPFUN_VAD_DEFAULTS, stepfunVad, type VadSettings } from './vad.ts';
export { estimatePitchHz, synthesizeSpeech, voicePitchHz } from './voice-synth.ts';
export type { ErrorShape } from './wire/errors.ts';
export type { Dialect } from './wire/server-events.ts';
