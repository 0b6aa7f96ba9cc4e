// One reply being streamed: the events that open it, its audio and transcript deltas on a timer
// (optionally with think-while-speaking), and the events that close it, completed or cancelled.
import type { ConnectionIo, DropMode } from './connection-io.ts';
import type { SimResponseLog } from './types.ts';
import { pcm16ToBase64 } from './wire/pcm16.ts';
import type { AssistantItemView, ServerEvents, WireEvent } from './wire/server-events.ts';

export const RATE = 24_000;

export interface ReplyPlan {
  log: SimResponseLog;
  itemId: string;
  previousItemId: string | null;
  audio: Int16Array;
  /** Stream response.thinking.* before and alongside the audio. */
  thinking: boolean;
  /** Text deltas only (response.create with modalities ["text"]): no audio. */
  textOnly: boolean;
  chunkMs: number;
  speed: number;
  firstDeltaDelayMs: number;
  /** Kill the socket this way right after the first audio delta (fault injection). */
  dropAfterFirstDelta: DropMode | undefined;
}

/** Streams one reply. `onEnded` runs once, after the closing events went out. */
export class ReplyStream {
  readonly plan: ReplyPlan;
  sentSamples = 0;
  readonly #words: string[];
  readonly #io: ConnectionIo;
  readonly #events: ServerEvents;
  readonly #emit: (e: WireEvent) => void;
  readonly #onEnded: (stream: ReplyStream) => void;
  #timer: unknown;
  #ended = false;

  constructor(
    plan: ReplyPlan,
    io: ConnectionIo,
    events: ServerEvents,
    emit: (e: WireEvent) => void,
    onEnded: (stream: ReplyStream) => void,
  ) {
    this.plan = plan;
    this.#words = plan.log.transcript.split(' ');
    this.#io = io;
    this.#events = events;
    this.#emit = emit;
    this.#onEnded = onEnded;
  }

  get responseId(): string {
    return this.plan.log.responseId;
  }

  #item(status: AssistantItemView['status'], transcript = ''): AssistantItemView {
    return { id: this.plan.itemId, transcript, status };
  }

  /** response.created, output_item.added, conversation.item.created, content_part.added; then audio. */
  start(): void {
    const r = this.responseId;
    const e = this.#events;
    this.#emit(e.responseCreated(r));
    this.#emit(e.outputItemAdded(r, this.#item('in_progress')));
    this.#emit(e.assistantItemCreated(this.#item('in_progress'), this.plan.previousItemId));
    if (this.plan.thinking) {
      this.#emit(e.contentPartAdded(r, this.plan.itemId, 'thinking', 1));
      this.#emit(e.thinkingDelta(r, this.plan.itemId, 'The speaker sounds calm; '));
    }
    this.#emit(e.contentPartAdded(r, this.plan.itemId, this.plan.textOnly ? 'text' : 'audio', 0));
    this.#schedule(this.plan.firstDeltaDelayMs);
  }

  #schedule(ms: number): void {
    this.#timer = this.#io.setTimeout(() => this.#chunk(), ms);
  }

  #chunk(): void {
    if (this.#ended) return;
    const p = this.plan;
    if (p.textOnly) {
      const word = this.#words.shift();
      if (word !== undefined) this.#emit(this.#events.textDelta(this.responseId, p.itemId, `${word} `));
      if (this.#words.length > 0) this.#schedule(p.chunkMs / p.speed);
      else this.finish('completed', false);
      return;
    }
    const chunkSamples = (p.chunkMs * RATE) / 1000;
    const chunk = p.audio.subarray(this.sentSamples, this.sentSamples + chunkSamples);
    this.sentSamples += chunk.length;
    this.#emit(this.#events.audioDelta(this.responseId, p.itemId, pcm16ToBase64(chunk)));
    const word = this.#words.shift();
    if (word !== undefined) this.#emit(this.#events.transcriptDelta(this.responseId, p.itemId, `${word} `));
    if (p.dropAfterFirstDelta) {
      this.#ended = true;
      this.#io.drop(p.dropAfterFirstDelta);
      return;
    }
    if (this.sentSamples < p.audio.length) this.#schedule(((chunk.length / RATE) * 1000) / p.speed);
    else this.finish('completed', false);
  }

  /**
   * Closing events: audio.done, transcript.done, content_part.done, output_item.done, response.done.
   * A cancelled reply may first (or only) get response.cancelled, per `cancelAnswer`.
   */
  finish(status: 'completed' | 'cancelled', cancelledEvent: boolean, doneEvents = true): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#io.clearTimeout(this.#timer);
    const r = this.responseId;
    const p = this.plan;
    p.log.status = status;
    const e = this.#events;
    if (cancelledEvent) this.#emit(e.responseCancelled(r));
    if (doneEvents) {
      const transcript = p.log.transcript;
      if (p.thinking) this.#emit(e.thinkingDone(r, p.itemId, 'The speaker sounds calm; answer warmly.'));
      if (p.textOnly) this.#emit(e.textDone(r, p.itemId, transcript));
      else {
        this.#emit(e.audioDone(r, p.itemId));
        this.#emit(e.transcriptDone(r, p.itemId, transcript));
      }
      this.#emit(e.contentPartDone(r, p.itemId, transcript));
      const item = this.#item(status === 'completed' ? 'completed' : 'incomplete', transcript);
      this.#emit(e.outputItemDone(r, item));
      const heardTokens = Math.round(p.log.heardMs / 40);
      const outTokens = Math.round(((this.sentSamples / RATE) * 1000) / 40);
      this.#emit(e.responseDone(r, status, item, { inputTokens: heardTokens, outputTokens: outTokens }));
    }
    this.#onEnded(this);
  }

  /** The socket is gone: stop the timer, send nothing. */
  abandon(): void {
    this.#ended = true;
    this.#io.clearTimeout(this.#timer);
  }
}
