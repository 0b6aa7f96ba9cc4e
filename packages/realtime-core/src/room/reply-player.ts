// The room's output side: model audio → replies → the pacer → the sink. It owns the reply being
// received from each cast member, the pre-roll, the bound on audio held ahead of playback, and
// barge-in (stop, cancel, truncate each reply at what the listeners heard of it).
import { FRAME_MS } from '../audio/frames.ts';
import type { Clock } from '../session/clock.ts';
import { Pacer, type PlaybackReport } from './pacer.ts';
import type { CastMember, FrameSink, ModelAudioMeta } from './ports.ts';
import { type OutputFormat, Reply } from './reply.ts';

export interface ReplyPlayerListener {
  /** A reply's first audio arrived from the model. */
  replyCreated(reply: Reply): void;
  /** A reply's first frame was handed to the sink. */
  started(reply: Reply): void;
  /** A reply played out or was given up, or a barge-in stopped it. */
  ended(report: PlaybackReport): void;
  /**
   * A barge-in's playback has gone quiet (or another reply started): any frame of the stopped
   * replies that still reached the sink would have by now (goal: none).
   */
  bargeInSettled(event: { framesAfterDecision: number; truncatedAtMs: number }): void;
}

export interface ReplyPlayerOptions {
  sink: FrameSink;
  clock: Clock;
  output: OutputFormat;
  modelRate: number;
  /** Frames a reply buffers before its first is played, so a bursty model does not underrun at once. */
  preRollFrames: number;
  /** Most reply audio held ahead of playback, all replies together; see `audio()`. */
  maxAheadMs: number;
  maxMissedFrames: number;
  listener: ReplyPlayerListener;
}

/** What a barge-in stopped. */
export interface Interruption {
  /** The playing reply first, then the queued ones. */
  reports: PlaybackReport[];
  /** Replies still streaming from the model that had not been played at all. */
  unplayed: Reply[];
  /** What the listeners heard of the reply that was playing (ms). */
  truncatedAtMs: number;
}

/** Cancelled or cut responses whose late audio is ignored. */
const REMEMBERED_CANCELLED = 16;

export class ReplyPlayer {
  readonly #o: ReplyPlayerOptions;
  readonly #pacer: Pacer;
  readonly #receiving = new Map<CastMember, Reply>();
  readonly #ignored: string[] = [];
  /** Reply audio refused because it was too far ahead of playback, or arrived after a cut (ms). */
  overflowMs = 0;
  /** The last barge-in, until its playback has gone quiet. */
  #settling: { replies: Reply[]; truncatedAtMs: number } | undefined;

  constructor(options: ReplyPlayerOptions) {
    this.#o = options;
    const { listener } = options;
    this.#pacer = new Pacer(
      options.sink,
      options.clock,
      options.output,
      {
        started: (reply) => {
          this.#settle();
          listener.started(reply);
        },
        ended: (report) => this.#ended(report),
        quiet: () => this.#settle(),
      },
      options.maxMissedFrames,
    );
  }

  /** A character is speaking or about to: the echo guard's condition for a barge-in. */
  get active(): boolean {
    return this.#receiving.size > 0 || this.#pacer.status === 'playing';
  }

  get pacerStatus(): Pacer['status'] {
    return this.#pacer.status;
  }

  /** Reply audio handed to the sink so far (ms). */
  get playedMs(): number {
    return this.#pacer.framesPlayed * FRAME_MS;
  }

  /** Reply audio held ahead of playback, all replies (ms). */
  get bufferedMs(): number {
    const replies = new Set([...this.#pacer.replies, ...this.#receiving.values()]);
    let ms = 0;
    for (const r of replies) ms += r.bufferedMs;
    return ms;
  }

  /**
   * Model audio for `member`'s reply. Beyond `maxAheadMs` held ahead of playback the reply is cut:
   * the audio that fits is kept and will play, the rest (and whatever the model still sends for it)
   * is dropped and counted in `overflowMs`, the model is asked to stop, and once the kept audio has
   * played the item is truncated there, so the model's memory matches what was heard.
   */
  audio(member: CastMember, pcm: Int16Array, meta: ModelAudioMeta): void {
    if (this.#ignored.includes(meta.responseId)) return;
    let reply = this.#receiving.get(member);
    if (reply?.responseId !== meta.responseId) {
      if (reply) this.#finish(member, reply);
      reply = new Reply(meta.responseId, member, this.#o.clock.now(), this.#o.modelRate, this.#o.output);
      this.#receiving.set(member, reply);
      this.#o.listener.replyCreated(reply);
    }
    reply.itemId = meta.itemId;
    if (reply.status === 'cut') {
      this.overflowMs += reply.msOf(pcm.length);
      return;
    }
    const roomMs = this.#o.maxAheadMs - this.bufferedMs;
    if (reply.msOf(pcm.length) > roomMs) {
      const fits = Math.max(0, Math.floor((roomMs * this.#o.modelRate) / 1000));
      reply.push(pcm.subarray(0, fits));
      this.overflowMs += reply.msOf(pcm.length - fits);
      reply.cut();
      member.model.cancelResponse();
      this.#release(reply);
      return;
    }
    reply.push(pcm);
    if (reply.queuedFrames >= this.#o.preRollFrames) this.#pacer.play(reply);
  }

  /** The model finished streaming `responseId` (its audio or the whole response). */
  finished(member: CastMember, responseId: string): void {
    const reply = this.#receiving.get(member);
    if (reply?.responseId === responseId) this.#finish(member, reply);
  }

  /**
   * Barge-in: not one more frame of any reply, replies in flight cancelled at the model, and each
   * truncated at what the listeners heard of it (0 for those never played). Undefined when nothing was playing.
   */
  interrupt(cast: readonly CastMember[]): Interruption | undefined {
    const receiving = [...this.#receiving.values()];
    const reports = this.#pacer.stop();
    if (receiving.length === 0 && reports.length === 0) return undefined;
    this.#receiving.clear();
    for (const reply of receiving) {
      reply.abort();
      this.#remember(reply.responseId);
    }
    for (const member of cast) member.model.cancelResponse();
    const played = new Set(reports.map((r) => r.reply));
    for (const { reply, frames } of reports) this.#truncate(reply, frames * FRAME_MS);
    const unplayed = receiving.filter((r) => !played.has(r));
    for (const reply of unplayed) this.#truncate(reply, 0);
    const truncatedAtMs = (reports[0]?.frames ?? 0) * FRAME_MS;
    this.#settle();
    this.#settling = { replies: [...played, ...unplayed], truncatedAtMs };
    for (const report of reports) this.#o.listener.ended(report);
    return { reports, unplayed, truncatedAtMs };
  }

  /** The room is over: nothing more is played or received. */
  close(): void {
    this.#pacer.close();
    for (const reply of this.#receiving.values()) reply.abort();
    this.#receiving.clear();
    this.#settle();
  }

  #settle(): void {
    const s = this.#settling;
    if (!s) return;
    this.#settling = undefined;
    const framesAfterDecision = s.replies.reduce((n, r) => n + r.framesAfterAbort, 0);
    this.#o.listener.bargeInSettled({ framesAfterDecision, truncatedAtMs: s.truncatedAtMs });
  }

  #finish(member: CastMember, reply: Reply): void {
    reply.finish();
    this.#receiving.delete(member);
    if (reply.status === 'cut') this.#remember(reply.responseId);
    this.#release(reply);
  }

  /** A reply that will receive no more audio: play what it holds, or close it unheard. */
  #release(reply: Reply): void {
    if (reply.queuedFrames > 0) this.#pacer.play(reply);
    else if (!this.#pacer.has(reply) && reply.status === 'cut') this.#truncate(reply, 0);
  }

  #ended(report: PlaybackReport): void {
    // A cut reply was generated further than it was played: the model must remember only the played part.
    if (report.reply.status === 'cut') this.#truncate(report.reply, report.frames * FRAME_MS);
    this.#o.listener.ended(report);
  }

  #truncate(reply: Reply, ms: number): void {
    if (reply.itemId) reply.character.model.truncate(reply.itemId, ms);
  }

  #remember(responseId: string): void {
    this.#ignored.push(responseId);
    if (this.#ignored.length > REMEMBERED_CANCELLED) this.#ignored.shift();
  }
}
