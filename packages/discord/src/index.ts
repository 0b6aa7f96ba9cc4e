// Public surface of @troupe/discord: explicit re-exports only, no logic.
export { commandBodies } from './commands/definitions.ts';
export type { RestoreOutcome } from './commands/voice-restore.ts';
export { type Lang, langOf } from './i18n/locale.ts';
export { type MessageKey, type Translator, translator } from './i18n/translate.ts';
export {
  CAPTURE_DIR_ENV,
  createLogger,
  type LogFormat,
  REDACT_PATHS,
  redactSecrets,
  withTestCapture,
} from './logger.ts';
export { InMemorySceneStore } from './memory/in-memory-scene-store.ts';
export {
  MAX_RETENTION_DAYS,
  type SceneMemoryQuery,
  type SceneMemoryStore,
  type StoredSceneLine,
} from './memory/scene-memory-store.ts';
export { sceneMemoryOf } from './memory/store-scene-memory.ts';
export { type BotMetrics, startBotMetrics } from './metrics/index.ts';
export {
  clientShards,
  DEFAULT_SESSION_LIMIT,
  mountTroupe,
  type TroupeMount,
  TroupeMountError,
  type TroupeOptions,
} from './mount.ts';
export { type ClaimHeld, type ClaimRefused, SessionOwnership } from './ownership/session-ownership.ts';
export { BUILTIN_PERSONA_DIR, PersonaRegistry } from './personas/registry.ts';
export { TranscriptPoster } from './transcripts/transcript-poster.ts';
export { UsageTracker } from './usage/usage-tracker.ts';
export { ChannelManager, VoiceBusyError, VoiceJoinError } from './voice/channel-manager.ts';
export {
  DEFAULT_MAX_CAST,
  DEFAULT_TUNING,
  SceneChangeError,
  VoiceBudgetError,
  type VoiceTuning,
} from './voice/types.ts';
export type {
  AddOutcome,
  ChannelScene,
  GuildVad,
  JoinOptions,
  LeaveReason,
  SceneMemberView,
  SceneView,
  SessionEndReason,
  TurnLatency,
  VoiceEvents,
  VoiceManagerPort,
  VoiceSessionPort,
  VoiceStatus,
} from './voice-port.ts';
