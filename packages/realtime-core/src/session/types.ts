import type { ServerEvent } from '../protocol/index.ts';
import type { RealtimeTransport } from '../transport/types.ts';
import type { RealtimeError } from './errors.ts';

/** What the persona and the app decide about a model session. */
export interface SessionConfig {
  instructions: string;
  voice: string;
  /** Server VAD settings; `null` = manual turns (commit + createResponse). Default: server VAD on. */
  turnDetection?:
    | { type: 'server_vad'; threshold?: number; prefixPaddingMs?: number; silenceDurationMs?: number }
    | null
    | undefined;
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
  responseDone: [event: { responseId: string; status: string; usage: Record<string, unknown> | undefined }];
  error: [error: RealtimeError];
  reconnected: [event: { reason: 'reconnect' | 'voice' | 'reset' }];
  rolledOver: [];
  /** Every decoded server event, after the session handled it (for logging and metrics). */
  serverEvent: [event: ServerEvent];
};
