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
export { classifyRefusal, classifyServerError, type FailureContext, type Verdict } from './failures.ts';
export { ConversationHistory, cutAtWord, type HistoryEntry, type HistoryRole } from './history.ts';
export {
  type ProbeFailure,
  type ProbeOptions,
  type ProbeResult,
  type ProbeSetting,
  probeRealtime,
} from './probe.ts';
export { type ConnectReason, RealtimeSession, type RealtimeSessionOptions } from './realtime-session.ts';
export { type BudgetWindow, ReconnectBudget } from './reconnect-budget.ts';
export type {
  AudioMeta,
  RealtimeSessionEvents,
  SessionConfig,
  SessionState,
  TranscriptEvent,
} from './types.ts';
