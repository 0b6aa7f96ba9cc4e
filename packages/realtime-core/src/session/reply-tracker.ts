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

interface ActiveReply {
  /** The id listeners know the reply by. */
  id: string;
  /** Every id the server has used for it. */
  serverIds: Set<string>;
  /** Started by content that named no reply (no response.created seen): the next response id is its own. */
  implicit: boolean;
  cancelled?: boolean;
}

/**
 * Follows the model's replies on one connection: which reply is in flight, whether it was
 * cancelled (its late deltas are dropped: the soft-cancel), and whether audio has locked the
 * voice. Reply audio and transcripts are recorded in the history as they arrive.
 *
 * StepFun's samples leave `response_id` out of the deltas and put `"traceid"` in response.audio.done
 * (https://platform.stepfun.com/docs/zh/api-reference/realtime/chat): such events belong to the reply
 * in flight, as in StepFun's CLI (Step-Realtime-CLI, backend/stepfun-stateless.ts). Events naming a
 * reply that never started or already ended are reported and dropped: playing them would voice a
 * reply nobody asked for, and recording them would put words in the persona's mouth on the next replay.
 */
export class ReplyTracker {
  active: ActiveReply | undefined;
  /** Set once the model has spoken on this connection: providers then refuse a new voice. */
  voiceLocked = false;
  /** The connection's X-Trace-Id: a `response_id` equal to it names no particular reply. */
  traceId: string | undefined;
  /** Replies that ended on this connection, to tell a late event from a stray one. */
  readonly #finished = new RecentIds(64);
  /** Replies ended by response.cancelled: their closing events still come and are expected. */
  readonly #cancelledByServer = new RecentIds(64);
  #lastEnded: { id: string; byCancel: boolean } | undefined;
  /** Ids seen only in a response.done for a reply that never started. */
  readonly #neverStarted = new RecentIds(64);
  /** Items the client asked to truncate whose confirmation has not arrived. */
  readonly #truncating = new RecentIds(64);
  readonly #partial = new Map<string, string>();
  #implicitCount = 0;
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
    this.traceId = undefined;
    this.#finished.clear();
    this.#cancelledByServer.clear();
    this.#neverStarted.clear();
    this.#lastEnded = undefined;
    this.#truncating.clear();
    this.#partial.clear();
    if (a && notify) this.#ended(a, a.cancelled ? 'cancelled' : 'interrupted');
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
      case 'response.cancelled':
        return this.#cancelledEvent(e.response_id ?? e.response?.id);
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

  /** No id, StepFun's `"traceid"` placeholder, or this connection's trace id: "the reply in flight". */
  #unattributed(id: string | undefined): boolean {
    return id === undefined || id === 'traceid' || (this.traceId !== undefined && id === this.traceId);
  }

  /**
   * The reply in flight, when `id` names it (or names none). A reply that started without an id takes
   * the first id it is given, unless that reply really ended; an id only ever seen in a response.done
   * that came first (the reference prints a response.done as its response.created sample) is no
   * ended reply.
   */
  #owning(id: string | undefined): ActiveReply | undefined {
    const a = this.active;
    if (a === undefined) return undefined;
    if (this.#unattributed(id) || a.serverIds.has(id!)) return a;
    if (a.implicit && (!this.#finished.has(id!) || this.#neverStarted.has(id!))) {
      a.serverIds.add(id!);
      return a;
    }
    return undefined;
  }

  #created(serverId: string | undefined): void {
    const type = 'response.created';
    const a = this.active;
    if (
      a?.implicit &&
      serverId !== undefined &&
      (!this.#finished.has(serverId) || this.#neverStarted.has(serverId))
    ) {
      // Its content arrived first; this is its id.
      a.serverIds.add(serverId);
      a.implicit = false;
      return;
    }
    const id = serverId ?? this.#implicitId();
    if (this.#finished.has(id) || a?.serverIds.has(id)) {
      const duplicate = a?.serverIds.has(id) === true;
      const detail = duplicate ? 'already started' : 'already ended';
      this.#report(outOfOrder(type, duplicate ? 'duplicate' : 'after_done', `response ${id} ${detail}`));
      return;
    }
    if (a) {
      this.#report(outOfOrder(type, 'overlap', `response ${id} started while ${a.id} was in flight`));
      // Not ignored: the server is now streaming the new one, and the old one will not finish.
      this.active = undefined;
      this.#ended(a, 'interrupted');
    }
    this.#start(id, false);
  }

  #implicitId(): string {
    return `${this.traceId ?? 'reply'}#${++this.#implicitCount}`;
  }

  #start(id: string, implicit: boolean): ActiveReply {
    const reply = { id, serverIds: new Set([id]), implicit };
    this.active = reply;
    this.#emit('responseCreated', { responseId: id });
    return reply;
  }

  #content(e: Content): void {
    const rid = e.response_id;
    let a = this.#owning(rid);
    if (!a) {
      const unattributed = this.#unattributed(rid);
      const isDelta = e.type === 'response.audio.delta' || e.type === 'response.audio_transcript.delta';
      if (unattributed && isDelta && !this.#lastEnded?.byCancel) {
        // Content that names no reply, with none in flight: the server skipped response.created.
        a = this.#start(this.#implicitId(), true);
      } else {
        this.#late(e, unattributed ? this.#lastEnded?.id : this.#finished.has(rid!) ? rid : undefined);
        return;
      }
    }
    const ids = { responseId: a.id, itemId: e.item_id };
    switch (e.type) {
      case 'response.audio.delta': {
        if (a.cancelled) return;
        const pcm = decodePcm16Base64(e.delta);
        this.voiceLocked = true;
        this.#history.addAssistantAudio(e.item_id, pcm.length);
        this.#emit('audio', pcm, ids);
        return;
      }
      case 'response.audio.done':
        if (!a.cancelled) this.#emit('audioDone', ids);
        return;
      case 'response.audio_transcript.delta': {
        const text = (this.#partial.get(e.item_id) ?? '') + e.delta;
        this.#partial.set(e.item_id, text);
        if (a.cancelled) return;
        this.#emit('transcript', { role: 'assistant', ...ids, text, final: false });
        return;
      }
      case 'response.audio_transcript.done':
        this.#transcriptDone(e, a.id);
    }
  }

  /** Content for a reply that is not in flight: expected after a server cancel, reported otherwise. */
  #late(e: Content, lateId: string | undefined): void {
    const expected = lateId !== undefined && this.#cancelledByServer.has(lateId);
    if (!expected) {
      const named = e.response_id ?? '(none)';
      const detail =
        lateId !== undefined ? 'it arrived after the reply ended' : 'no reply with that id was started';
      this.#report(
        outOfOrder(
          e.type,
          lateId !== undefined ? 'after_done' : 'unknown_response',
          `response ${named}: ${detail}`,
        ),
      );
    }
    // The words of a reply that ended are still what listeners heard: keep them in the history.
    if (lateId !== undefined && e.type === 'response.audio_transcript.done') this.#transcriptDone(e, lateId);
  }

  #transcriptDone(e: ServerEventOf<'response.audio_transcript.done'>, responseId: string): void {
    this.#partial.delete(e.item_id);
    const text = this.#history.addAssistantTranscript(e.item_id, e.transcript);
    this.#emit('transcript', { role: 'assistant', itemId: e.item_id, responseId, text, final: true });
  }

  #done(e: ServerEventOf<'response.done'>): boolean {
    const id = e.response.id;
    const a = this.#owning(id) ?? (this.active?.implicit ? this.active : undefined);
    if (a) {
      this.active = undefined;
      const status =
        a.cancelled && e.response.status === 'completed' ? 'cancelled' : (e.response.status ?? 'completed');
      this.#ended(a, status, e.response.usage ?? undefined);
      return true;
    }
    if (id !== undefined && this.#cancelledByServer.has(id)) return false; // after response.cancelled: expected
    const named = id ?? '(no id)';
    const seen = id !== undefined && this.#finished.has(id);
    const detail = seen ? 'it already ended' : 'it was never started (response.done before response.created)';
    this.#report(outOfOrder(e.type, seen ? 'duplicate' : 'unknown_response', `response ${named}: ${detail}`));
    if (id !== undefined) {
      this.#finished.add(id);
      if (!seen) this.#neverStarted.add(id);
    }
    return false;
  }

  /** response.cancelled ends the reply at once; its closing events (and response.done) may follow. */
  #cancelledEvent(id: string | undefined): boolean {
    const a = this.#owning(id);
    if (a) {
      this.active = undefined;
      this.#ended(a, 'cancelled', undefined, true);
      return true;
    }
    if (id !== undefined && (this.#cancelledByServer.has(id) || this.#finished.has(id))) return false;
    this.#report(
      outOfOrder('response.cancelled', 'unknown_response', `response ${id ?? '(no id)'}: no reply in flight`),
    );
    return false;
  }

  #ended(a: ActiveReply, status: string, usage?: Record<string, unknown>, byCancel = false): void {
    for (const id of a.serverIds) {
      this.#finished.add(id);
      if (byCancel) this.#cancelledByServer.add(id);
    }
    this.#lastEnded = { id: a.id, byCancel };
    this.#emit('responseDone', { responseId: a.id, status, usage });
  }
}
