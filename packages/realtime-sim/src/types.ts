import type { SimScript } from './script.ts';
import type { ErrorShape } from './wire/errors.ts';
import type { Dialect } from './wire/server-events.ts';

export interface SimOptions {
  port?: number;
  host?: string;
  /** Serve `wss://` with this certificate (e.g. for clients that refuse plain `ws://`). */
  tls?: { key: string; cert: string };
  /** The key clients must send as `Authorization: Bearer <key>`. */
  apiKey?: string;
  /** Wire dialect: `stepfun` (default) follows StepFun's published samples, `openai` the OpenAI beta shapes. */
  dialect?: Dialect;
  /** Model ids accepted in `?model=` (default: the dialect's published list); any id when `acceptAnyModel`. */
  models?: string[];
  acceptAnyModel?: boolean;
  /**
   * How an unknown model is refused: HTTP 400 on the upgrade (the error-code table: "模型不存在或无权限")
   * or an `error` event followed by close 1008. Default: `http` for stepfun, `event` for openai.
   */
  modelRefusal?: 'http' | 'event';
  /** Shape of error events (see wire/errors.ts). Default `wrapped`. */
  errorShape?: ErrorShape;
  /**
   * Server VAD before any `turn_detection` is sent. The reference says "ServerVAD 参数，默认关闭" (off);
   * the developer guide says "默认情况下，实时会话启用语音活动检测" (on). Default: off for stepfun
   * (the reference), on for openai.
   */
  vadOnByDefault?: boolean;
  /** Provider limits: connections per rolling minute and open sessions, refused with HTTP 429. */
  limits?: { requestsPerMinute?: number; concurrentSessions?: number };
  /** Clock for the limits (default Date.now). */
  now?: () => number;
  /** Close each connection after this long (StepFun: 30 minutes). Default 30 min. */
  sessionCapMs?: number;
  /** Reply audio is streamed this many times faster than real time. Default 4. */
  speed?: number;
  /** Audio per delta. Default 100 ms. */
  chunkMs?: number;
  /** Fixed reply length; otherwise 800 ms + half of what was heard, capped by maxReplyMs. */
  replyMs?: number;
  maxReplyMs?: number;
  firstDeltaDelayMs?: number;
  defaultVoice?: string;
  maxMessageBytes?: number;
  /** Scripted transcripts and replies (script.ts); the server exposes it as `sim.script`. */
  script?: SimScript;
  quirks?: {
    cancelIgnored?: boolean;
    appendRejectedWhileResponding?: boolean;
    /**
     * What answers response.cancel. The reference: "服务器将返回一个 response.cancelled 事件"; its
     * response.done section: "始终发出，无论最终状态如何" (always sent). Default for stepfun:
     * `cancelled+done` (both pages honoured); openai: `done`.
     */
    cancelAnswer?: 'cancelled' | 'cancelled+done' | 'done';
    /** Send session.updated typed `session.created`, as the reference's session.updated sample is. */
    sessionUpdatedAsCreated?: boolean;
    /** `audio_start_ms`/`audio_end_ms` as strings, as the speech_started field table types them. */
    stringAudioMs?: boolean;
  };
}

/** What the simulator did for one response: the assertions tests make about the client. */
export interface SimResponseLog {
  responseId: string;
  sessionId: string;
  voice: string;
  instructions: string;
  /** Duration of the committed user audio this reply answers. */
  heardMs: number;
  /** The transcript of the audio this reply answers, when there was audio. */
  heardText?: string;
  /** Speaker labels (`[Name]` text items) sent before this turn, without brackets. */
  labels: string[];
  transcript: string;
  audioMs: number;
  cancelled: boolean;
  status: 'in_progress' | 'completed' | 'cancelled';
  truncatedAtMs?: number;
}

/** The session configuration as the server holds it (wire field names). */
export interface SimSessionConfig {
  voice: string;
  instructions: string;
  turn_detection: Record<string, unknown> | null;
  input_audio_transcription?: unknown;
  [field: string]: unknown;
}

export interface SimSessionLog {
  sessionId: string;
  model: string;
  config: SimSessionConfig;
  /** The conversation as the server holds it, replayed text items included. */
  items: { id: string; role: string; text: string; audioMs?: number }[];
  appendedSamples: number;
  /** Per-connection counters: client events received, server events sent, error events sent. */
  counters: { received: number; sent: number; errors: number };
  closed: boolean;
}

export interface SimLog {
  responses: SimResponseLog[];
  errors: { sessionId: string; code: string; message: string }[];
  onAppend?: (session: SimSessionLog, samples: number, pcm: Int16Array) => void;
  onResponseDone?: (response: SimResponseLog) => void;
}
