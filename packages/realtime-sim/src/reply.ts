// What a reply says and the event sequences that open and close it: pure builders, so the
// connection only decides *when* to send them.
import type { KnownServerEvent } from '@troupe/realtime-core';
import type { SimOptions } from './types.ts';

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

/** The events that commit one user audio turn (OpenAI order: committed, item.created, transcription). */
export function userTurnEvents(itemId: string, transcript: string, transcribe: boolean): KnownServerEvent[] {
  const events: KnownServerEvent[] = [
    { type: 'input_audio_buffer.committed', item_id: itemId, previous_item_id: null },
    {
      type: 'conversation.item.created',
      previous_item_id: null,
      item: {
        id: itemId,
        type: 'message',
        role: 'user',
        content: [{ type: 'input_audio', transcript: null }],
      },
    },
  ];
  if (transcribe) {
    events.push({
      type: 'conversation.item.input_audio_transcription.completed',
      item_id: itemId,
      transcript,
    });
  }
  return events;
}

/** response.created … content_part.added, before the first delta. */
export function responseOpeningEvents(responseId: string, itemId: string): KnownServerEvent[] {
  const item = { id: itemId, type: 'message' as const, role: 'assistant' as const, content: [] };
  return [
    { type: 'response.created', response: { id: responseId, status: 'in_progress', output: [] } },
    { type: 'response.output_item.added', response_id: responseId, item },
    { type: 'conversation.item.created', previous_item_id: null, item },
    { type: 'response.content_part.added', response_id: responseId, item_id: itemId },
  ];
}

/** audio.done … response.done with usage (tokens estimated at 40 ms of audio per token). */
export function responseClosingEvents(
  responseId: string,
  itemId: string,
  transcript: string,
  status: 'completed' | 'cancelled',
  heardMs: number,
  outMs: number,
): KnownServerEvent[] {
  return [
    { type: 'response.audio.done', response_id: responseId, item_id: itemId },
    { type: 'response.audio_transcript.done', response_id: responseId, item_id: itemId, transcript },
    { type: 'response.content_part.done', response_id: responseId, item_id: itemId },
    {
      type: 'response.output_item.done',
      response_id: responseId,
      item: { id: itemId, type: 'message', role: 'assistant' },
    },
    {
      type: 'response.done',
      response: {
        id: responseId,
        status,
        output: [],
        usage: {
          total_tokens: Math.round(heardMs / 40) + Math.round(outMs / 40),
          input_tokens: Math.round(heardMs / 40),
          output_tokens: Math.round(outMs / 40),
          input_audio_ms: heardMs,
          output_audio_ms: outMs,
        },
      },
    },
  ];
}

/** Why an append payload is not PCM16 base64, or undefined when it is. */
export function invalidAudioReason(audio: string): string | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(audio) || audio.length % 4 !== 0) {
    return 'audio must be base64-encoded 16-bit PCM (24 kHz mono); the payload is not valid base64';
  }
  const padding = audio.endsWith('==') ? 2 : audio.endsWith('=') ? 1 : 0;
  const bytes = (audio.length / 4) * 3 - padding;
  if (bytes % 2 !== 0) {
    return `audio must be 16-bit PCM: ${bytes} bytes is an odd length (each sample is 2 bytes)`;
  }
  return undefined;
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
