export { AudioOutbox } from './audio-outbox.ts';
export { type BackoffPolicy, backoffDelay, defaultBackoff } from './backoff.ts';
export { type Clock, type Logger, silentLogger, systemClock } from './clock.ts';
export {
  type DiagnosticsOptions,
  type ProblemCount,
  type ProblemKind,
  ProtocolDiagnostics,
  type ProtocolProblem,
} from './diagnostics.ts';
export { RealtimeError, type RealtimeErrorCode } from './errors.ts';
export { ConversationHistory, cutAtWord, type HistoryEntry, type HistoryRole } from './history.ts';
export {
  openaiProfile,
  type ProviderProfile,
  stepfunProfile,
  stepfunStatelessProfile,
} from './profile.ts';
export { type ConnectReason, RealtimeSession, type RealtimeSessionOptions } from './realtime-session.ts';
export type {
  AudioMeta,
  RealtimeSessionEvents,
  SessionConfig,
  SessionState,
  TranscriptEvent,
} from './types.ts';
