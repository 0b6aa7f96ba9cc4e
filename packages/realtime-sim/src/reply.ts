// What a reply says and how truncation cuts it: pure, so the connection only decides *when*.
import type { SimOptions, SimResponseLog } from './types.ts';

/** Reply transcript and length for what the simulator heard. */
export function planReply(
  voice: string,
  labels: string[],
  heardMs: number,
  opts: Pick<SimOptions, 'replyMs' | 'maxReplyMs'>,
): { transcript: string; ms: number } {
  const ms = opts.replyMs ?? Math.min(opts.maxReplyMs ?? 4000, 800 + Math.round(heardMs * 0.5));
  const who = labels.length > 0 ? `${labels.join(' and ')}, ` : '';
  const what =
    heardMs > 0 ? `I heard you for ${(heardMs / 1000).toFixed(1)} seconds.` : 'Greetings, friends.';
  return { transcript: `${who}${what} This is ${voice} speaking.`, ms };
}

/** The log of a reply about to start: what it answers and what it will say. */
export function responseLog(
  responseId: string,
  sessionId: string,
  voice: string,
  instructions: string,
  labels: string[],
  heardMs: number,
  opts: Pick<SimOptions, 'replyMs' | 'maxReplyMs'>,
): SimResponseLog {
  const { transcript, ms } = planReply(voice, labels, heardMs, opts);
  const status = 'in_progress' as const;
  return {
    responseId,
    sessionId,
    voice,
    instructions,
    heardMs,
    labels,
    transcript,
    audioMs: ms,
    cancelled: false,
    status,
  };
}

/** How fast replies stream: audio per delta, speed-up over real time, delay before the first delta. */
export function replyTiming(opts: SimOptions): { chunkMs: number; speed: number; firstDeltaDelayMs: number } {
  return {
    chunkMs: opts.chunkMs ?? 100,
    speed: opts.speed ?? 4,
    firstDeltaDelayMs: opts.firstDeltaDelayMs ?? 20,
  };
}

/** An assistant item as the server remembers it: what truncation cuts. */
export interface AssistantItem {
  audioSamples: number;
  transcript: string;
  response: { truncatedAtMs?: number };
}

/**
 * Cuts an assistant item's audio at `audioEndMs` and trims its transcript in proportion.
 * Returns the error message (OpenAI's wording) when `audioEndMs` is past the audio, else undefined.
 */
export function truncateItem(item: AssistantItem, audioEndMs: number, rate: number): string | undefined {
  const totalMs = Math.round((item.audioSamples / rate) * 1000);
  if (audioEndMs > totalMs) {
    return `Audio content of ${totalMs}ms is already shorter than ${audioEndMs}ms`;
  }
  const keep = Math.round((item.transcript.length * audioEndMs) / Math.max(1, totalMs));
  item.transcript = item.transcript.slice(0, keep);
  item.audioSamples = Math.round((audioEndMs * rate) / 1000);
  return undefined;
}
