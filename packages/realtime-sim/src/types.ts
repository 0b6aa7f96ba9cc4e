import type { SessionConfigWire } from '@troupe/realtime-core';

export interface SimOptions {
  port?: number;
  host?: string;
  /** The key clients must send as `Authorization: Bearer <key>`. */
  apiKey?: string;
  /** Model ids accepted in `?model=`; any id when `acceptAnyModel`. */
  models?: string[];
  acceptAnyModel?: boolean;
  /** Close each connection after this long, like the provider's session cap. */
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
  quirks?: { cancelIgnored?: boolean; appendRejectedWhileResponding?: boolean };
}

/** What the simulator did for one response: the assertions tests make about the client. */
export interface SimResponseLog {
  responseId: string;
  sessionId: string;
  voice: string;
  instructions: string;
  /** Duration of the committed user audio this reply answers. */
  heardMs: number;
  /** Speaker labels (`[Name]` text items) sent before this turn, without brackets. */
  labels: string[];
  transcript: string;
  audioMs: number;
  cancelled: boolean;
  status: 'in_progress' | 'completed' | 'cancelled';
  truncatedAtMs?: number;
}

export interface SimSessionLog {
  sessionId: string;
  model: string;
  config: SessionConfigWire;
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
  onAppend?: (session: SimSessionLog, samples: number) => void;
  onResponseDone?: (response: SimResponseLog) => void;
}
