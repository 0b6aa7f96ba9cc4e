import type { ServerEvent } from '../protocol/index.ts';
import type { ProviderHints, ProviderProfile } from '../provider/profiles.ts';
import type { TurnDetection } from '../provider/vad.ts';
import type { RealtimeTransport, TransportFactory } from '../transport/types.ts';
import type { BackoffPolicy } from './backoff.ts';
import type { Clock, Logger } from './clock.ts';
import type { DiagnosticsOptions } from './diagnostics.ts';
import type { RealtimeError } from './errors.ts';
import type { BudgetWindow, ReconnectBudget } from './reconnect-budget.ts';

export interface RealtimeSessionOptions {
  /** Base URL, e.g. `wss://api.stepfun.com/v1/realtime`; the model goes in the query. */
  url: string;
  model: string;
  apiKey: string;
  config: SessionConfig;
  /** What the provider does (wire dialect, quirks, models, hints). Default: the profile the model implies. */
  profile?: ProviderProfile;
  /** Operator advice that overrides the profile's (e.g. naming the app's own setting for the key). */
  hints?: Partial<ProviderHints>;
  /**
   * Reconnect limits that survive successful connections. `perSession`: reconnects after an accepted
   * connection within a window before the session gives up (default from the profile: 5 a minute).
   * `process`: a budget shared by sessions (default: the profile's, per process); `null` for none.
   */
  reconnectBudget?: { perSession?: BudgetWindow; process?: ReconnectBudget | null };
  transportFactory?: TransportFactory;
  clock?: Clock;
  logger?: Logger;
  random?: () => number;
  backoff?: BackoffPolicy;
  /** How long to wait for `session.created` after the socket opens. */
  readyTimeoutMs?: number;
  /** Most microphone audio held while it cannot be sent. Default 3 s. */
  maxHeldAudioMs?: number;
  /** Server frames larger than this are refused unparsed. Default 8 MiB. */
  maxEventBytes?: number;
  /** How much conversation is kept and replayed to a new connection. Default 60 items, 16,000 chars. */
  history?: { maxItems?: number; maxChars?: number };
  /** How protocol problems are summarised in the log. */
  diagnostics?: DiagnosticsOptions;
}

/** What the persona and the app decide about a model session. */
export interface SessionConfig {
  instructions: string;
  voice: string;
  /**
   * Server VAD; `null` = manual turns (commit + createResponse). Default: server VAD on with the
   * provider's documented defaults. Checked against the profile's documented ranges.
   */
  turnDetection?: TurnDetection | null | undefined;
  inputTranscription?: boolean | undefined;
  temperature?: number | undefined;
  /** PCM rate both ways; StepFun and OpenAI use 24 kHz. */
  sampleRate?: number | undefined;
}

/** The session's lifecycle; each state holds only what is alive in it. */
export type SessionState =
  | { status: 'idle' }
  | { status: 'connecting'; transport: RealtimeTransport; attempt: number; timeout: unknown }
  | { status: 'ready'; transport: RealtimeTransport; since: number; rollover: unknown }
  | { status: 'reconnecting'; attempt: number; timer: unknown }
  | { status: 'closed'; error?: RealtimeError };

export interface AudioMeta {
  responseId: string;
  itemId: string;
}

export interface TranscriptEvent {
  role: 'user' | 'assistant';
  itemId: string;
  responseId?: string;
  text: string;
  final: boolean;
}

export type RealtimeSessionEvents = {
  stateChange: [next: SessionState, prev: SessionState];
  audio: [pcm: Int16Array, meta: AudioMeta];
  audioDone: [meta: AudioMeta];
  transcript: [event: TranscriptEvent];
  speechStarted: [event: { itemId: string; audioStartMs: number }];
  speechStopped: [event: { itemId: string; audioEndMs: number }];
  committed: [event: { itemId: string }];
  responseCreated: [event: { responseId: string }];
  /** Once per reply; `interrupted` when its connection was lost before the server finished it. */
  responseDone: [event: { responseId: string; status: string; usage: Record<string, unknown> | undefined }];
  error: [error: RealtimeError];
  reconnected: [event: { reason: 'reconnect' | 'voice' | 'reset' }];
  rolledOver: [];
  /** Every decoded server event, after the session handled it (for logging and metrics). */
  serverEvent: [event: ServerEvent];
};
