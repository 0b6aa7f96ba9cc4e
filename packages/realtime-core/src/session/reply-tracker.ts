import { decodePcm16Base64 } from '../audio/pcm16-base64.ts';
import type { KnownServerEvent } from '../protocol/index.ts';
import type { ConversationHistory } from './history.ts';
import type { RealtimeSessionEvents } from './types.ts';

type Emit = <K extends keyof RealtimeSessionEvents>(event: K, ...args: RealtimeSessionEvents[K]) => void;

/**
 * Follows the model's replies on one connection: which reply is in flight, which were
 * cancelled (their late deltas are dropped: the soft-cancel), and whether audio has locked
 * the voice. Reply audio and transcripts are recorded in the history as they arrive.
 */
export class ReplyTracker {
  active: { id: string; itemId?: string } | undefined;
  /** Set once the model has spoken on this connection: providers then refuse a new voice. */
  voiceLocked = false;
  readonly #cancelled = new Set<string>();
  readonly #partial = new Map<string, string>();
  readonly #history: ConversationHistory;
  readonly #emit: Emit;

  constructor(history: ConversationHistory, emit: Emit) {
    this.#history = history;
    this.#emit = emit;
  }

  /** A new connection starts with no reply in flight and an unlocked voice. */
  resetForConnection(): void {
    this.active = undefined;
    this.voiceLocked = false;
  }

  /** Marks the reply in flight as cancelled; returns its id, if there was one. */
  cancelActive(): string | undefined {
    if (this.active) this.#cancelled.add(this.active.id);
    return this.active?.id;
  }

  /** Handles reply events; returns true when a reply finished. Other events are ignored. */
  handle(e: KnownServerEvent): boolean {
    switch (e.type) {
      case 'response.created':
        this.active = { id: e.response.id };
        this.#emit('responseCreated', { responseId: e.response.id });
        return false;
      case 'response.audio.delta': {
        if (this.#cancelled.has(e.response_id)) return false;
        const pcm = decodePcm16Base64(e.delta);
        this.voiceLocked = true;
        if (this.active?.id === e.response_id) this.active.itemId = e.item_id;
        this.#history.addAssistantAudio(e.item_id, pcm.length);
        this.#emit('audio', pcm, { responseId: e.response_id, itemId: e.item_id });
        return false;
      }
      case 'response.audio.done':
        if (!this.#cancelled.has(e.response_id)) {
          this.#emit('audioDone', { responseId: e.response_id, itemId: e.item_id });
        }
        return false;
      case 'response.audio_transcript.delta': {
        const text = (this.#partial.get(e.item_id) ?? '') + e.delta;
        this.#partial.set(e.item_id, text);
        if (!this.#cancelled.has(e.response_id)) {
          this.#emit('transcript', {
            role: 'assistant',
            itemId: e.item_id,
            responseId: e.response_id,
            text,
            final: false,
          });
        }
        return false;
      }
      case 'response.audio_transcript.done': {
        this.#partial.delete(e.item_id);
        const text = this.#history.addAssistantTranscript(e.item_id, e.transcript);
        this.#emit('transcript', {
          role: 'assistant',
          itemId: e.item_id,
          responseId: e.response_id,
          text,
          final: true,
        });
        return false;
      }
      case 'response.done': {
        const id = e.response.id;
        const cancelled = this.#cancelled.delete(id);
        if (this.active?.id === id) this.active = undefined;
        const status =
          cancelled && e.response.status === 'completed' ? 'cancelled' : (e.response.status ?? 'completed');
        this.#emit('responseDone', { responseId: id, status, usage: e.response.usage ?? undefined });
        return true;
      }
      default:
        return false;
    }
  }
}
