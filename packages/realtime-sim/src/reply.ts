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

/**
 * The log of a reply about to start: what it answers and what it will say (the script's words when
 * it has some). `items` is the conversation so far: the newest heard user item is what it answers.
 */
export function responseLog(
  responseId: string,
  session: { sessionId: string; items: readonly { role: string; text: string; audioMs?: number }[] },
  turn: { voice: string; instructionsUsed: string; labels: string[]; heardMs: number },
  opts: Pick<SimOptions, 'replyMs' | 'maxReplyMs' | 'script'>,
): SimResponseLog {
  const { sessionId, items } = session;
  const { voice, instructionsUsed: instructions, labels, heardMs } = turn;
  const planned = planReply(voice, labels, heardMs, opts);
  const lastHeard =
    heardMs > 0 ? items.findLast((i) => i.role === 'user' && i.audioMs !== undefined) : undefined;
  const heardText = lastHeard?.text;
  const scripted = opts.script?.reply?.({
    sessionId,
    voice,
    instructions,
    labels,
    heardMs,
    heardText,
    items: items.slice(-20).map((i) => ({ role: i.role, text: i.text })),
  });
  const status = 'in_progress' as const;
  return {
    responseId,
    sessionId,
    voice,
    instructions,
    heardMs,
    ...(heardText !== undefined ? { heardText } : {}),
    labels,
    transcript: scripted?.trim() ? scripted.trim() : planned.transcript,
    audioMs: planned.ms,
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
