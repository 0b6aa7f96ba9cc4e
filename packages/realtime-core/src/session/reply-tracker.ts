import { decodePcm16Base64 } from '../audio/pcm16-base64.ts';
import type { KnownServerEvent, ServerEventOf } from '../protocol/index.ts';
import type { ProtocolProblem } from './diagnostics.ts';
import type { ConversationHistory } from './history.ts';
import { outOfOrder } from './inbound.ts';
import { RecentIds } from './recent-ids.ts';
import type { RealtimeSessionEvents } from './types.ts';

type Emit = <K extends keyof RealtimeSessionEvents>(event: K, ...args: RealtimeSessionEvents[K]) => void;
type Content = ServerEventOf<
  | 'response.audio.delta'
  | 'response.audio.done'
  | 'response.audio_transcript.delta'
  | 'response.audio_transcript.done'
>;

/**
 * Follows the model's replies on one connection: which reply is in flight, whether it was
 * cancelled (its late deltas are dropped: the soft-cancel), and whether audio has locked the
 * voice. Reply audio and transcripts are recorded in the history as they arrive.
 *
 * Only the reply in flight plays. Events for a reply that never started or already ended are
 * reported and dropped: playing them would voice a reply nobody asked for, and recording them
 * would put words in the persona's mouth on the next replay.
 */
export class ReplyTracker {
  active: { id: string; itemId?: string; cancelled?: boolean } | undefined;
  /** Set once the model has spoken on this connection: providers then refuse a new voice. */
  voiceLocked = false;
  /** Replies that ended on this connection, to tell a late event from a stray one. */
  readonly #finished = new RecentIds(64);
  /** Items the client asked to truncate whose confirmation has not arrived. */
  readonly #truncating = new RecentIds(64);
  readonly #partial = new Map<string, string>();
  readonly #history: ConversationHistory;
  readonly #emit: Emit;
  readonly #report: (problem: ProtocolProblem) => void;

  constructor(history: ConversationHistory, emit: Emit, report: (problem: ProtocolProblem) => void) {
    this.#history = history;
    this.#emit = emit;
    this.#report = report;
  }

  /**
   * The connection is gone. A reply in flight will never get its `response.done`: listeners get
   * one now (`interrupted`, or `cancelled` if it was), so playback and turn-taking can move on.
   * The next connection starts with no reply, an unlocked voice and no per-connection ids.
   */
  endConnection(notify: boolean): void {
    const a = this.active;
    this.active = undefined;
    this.voiceLocked = false;
    this.#finished.clear();
    this.#truncating.clear();
    this.#partial.clear();
    if (a && notify) this.#ended(a.id, a.cancelled ? 'cancelled' : 'interrupted');
  }

  /** Marks the reply in flight as cancelled; returns its id, if there was one. */
  cancelActive(): string | undefined {
    if (this.active) this.active.cancelled = true;
    return this.active?.id;
  }

  /** The client sent a truncate for this item: its `conversation.item.truncated` is expected. */
  expectTruncation(itemId: string): void {
    this.#truncating.add(itemId);
  }

  /** Handles reply events; returns true when a reply finished. Other events are ignored. */
  handle(e: KnownServerEvent): boolean {
    switch (e.type) {
      case 'response.created':
        this.#created(e.response.id);
        return false;
      case 'response.audio.delta':
      case 'response.audio.done':
      case 'response.audio_transcript.delta':
      case 'response.audio_transcript.done':
        this.#content(e);
        return false;
      case 'response.done':
        return this.#done(e);
      case 'conversation.item.truncated':
        if (!this.#truncating.delete(e.item_id))
          this.#report(
            outOfOrder(e.type, 'unrequested', `item ${e.item_id} was never truncated by this client`),
          );
        return false;
      default:
        return false;
    }
  }

  #created(id: string): void {
    const type = 'response.created';
    const a = this.active;
    if (this.#finished.has(id) || a?.id === id) {
      const detail = a?.id === id ? 'already started' : 'already ended';
      this.#report(outOfOrder(type, a?.id === id ? 'duplicate' : 'after_done', `response ${id} ${detail}`));
      return;
    }
    if (a) {
      this.#report(outOfOrder(type, 'overlap', `response ${id} started while ${a.id} was in flight`));
      // Not ignored: the server is now streaming the new one, and the old one will not finish.
      this.active = undefined;
      this.#ended(a.id, 'interrupted');
    }
    this.active = { id };
    this.#emit('responseCreated', { responseId: id });
  }

  #content(e: Content): void {
    const a = this.active;
    if (a?.id !== e.response_id) {
      const late = this.#finished.has(e.response_id);
      const detail = late ? 'it arrived after the reply ended' : 'no reply with that id was started';
      this.#report(
        outOfOrder(e.type, late ? 'after_done' : 'unknown_response', `response ${e.response_id}: ${detail}`),
      );
      // The words of a reply that ended are still what listeners heard: keep them in the history.
      if (late && e.type === 'response.audio_transcript.done') this.#transcriptDone(e);
      return;
    }
    switch (e.type) {
      case 'response.audio.delta': {
        if (a.cancelled) return;
        const pcm = decodePcm16Base64(e.delta);
        this.voiceLocked = true;
        a.itemId = e.item_id;
        this.#history.addAssistantAudio(e.item_id, pcm.length);
        this.#emit('audio', pcm, { responseId: e.response_id, itemId: e.item_id });
        return;
      }
      case 'response.audio.done':
        if (!a.cancelled) this.#emit('audioDone', { responseId: e.response_id, itemId: e.item_id });
        return;
      case 'response.audio_transcript.delta': {
        const text = (this.#partial.get(e.item_id) ?? '') + e.delta;
        this.#partial.set(e.item_id, text);
        if (a.cancelled) return;
        const ids = { itemId: e.item_id, responseId: e.response_id };
        this.#emit('transcript', { role: 'assistant', ...ids, text, final: false });
        return;
      }
      case 'response.audio_transcript.done':
        this.#transcriptDone(e);
    }
  }

  #transcriptDone(e: ServerEventOf<'response.audio_transcript.done'>): void {
    this.#partial.delete(e.item_id);
    const text = this.#history.addAssistantTranscript(e.item_id, e.transcript);
    const ids = { itemId: e.item_id, responseId: e.response_id };
    this.#emit('transcript', { role: 'assistant', ...ids, text, final: true });
  }

  #done(e: ServerEventOf<'response.done'>): boolean {
    const { id } = e.response;
    if (this.active?.id !== id) {
      const seen = this.#finished.has(id);
      const detail = seen
        ? 'it already ended'
        : 'it was never started (response.done before response.created)';
      this.#report(outOfOrder(e.type, seen ? 'duplicate' : 'unknown_response', `response ${id}: ${detail}`));
      this.#finished.add(id);
      return false;
    }
    const cancelled = this.active.cancelled === true;
    this.active = undefined;
    const status =
      cancelled && e.response.status === 'completed' ? 'cancelled' : (e.response.status ?? 'completed');
    this.#ended(id, status, e.response.usage ?? undefined);
    return true;
  }

  #ended(id: string, status: string, usage?: Record<string, unknown>): void {
    this.#finished.add(id);
    this.#emit('responseDone', { responseId: id, status, usage });
  }
}
