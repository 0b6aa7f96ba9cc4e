// Sends one channel's reply packets to Discord at 20 ms intervals, straight to the connection.
// @discordjs/voice's AudioPlayer prepares each packet one cycle before sending it and runs every
// player off one shared timer: a reply's first packet leaves 20-40 ms after it is ready, all
// channels' encodes land in the same tick, and after 5 empty reads it drops the rest of a reply.
// Here the first packet leaves the moment the pre-roll is ready, each channel ticks on its own
// phase (spreading the work over the 20 ms), an underrun sends a silence frame and waits, and a
// barge-in stops the very next packet.
import { SILENCE_FRAME } from '@troupe/opus';
import type { ReplyAudio } from './reply-audio.ts';

/** The two calls of @discordjs/voice's VoiceConnection the pacer uses. */
export interface OpusSink {
  playOpusPacket(packet: Buffer): unknown;
  setSpeaking(speaking: boolean): unknown;
}

/** Time and timers, injected so the pacer is tested without waiting. */
export interface PacerClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realClock: PacerClock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

/** How one reply's playback went. */
export interface PlaybackReport {
  reply: ReplyAudio;
  /** Audio packets sent (silence excluded): × 20 ms is what listeners heard. */
  packets: number;
  /** Ticks that found no audio while the reply was still streaming (a silence frame went instead). */
  underruns: number;
  /** done: played to the end; stopped: barge-in or close; stalled: nothing arrived for too long. */
  end: 'done' | 'stopped' | 'stalled';
}

const FRAME_MS = 20;
const SILENCE = Buffer.from(SILENCE_FRAME);
/** Discord asks for five silence frames before going quiet, so decoders do not interpolate. */
const TRAILING_SILENCE_FRAMES = 5;
/** A process stalled longer than this resynchronises instead of bursting the backlog. */
const MAX_BEHIND_MS = 100;

type State =
  | { status: 'idle' }
  | {
      status: 'playing';
      reply: ReplyAudio;
      packets: number;
      underruns: number;
      missedInARow: number;
      nextAt: number;
      timer: unknown;
    }
  | { status: 'trailing'; silenceLeft: number; nextAt: number; timer: unknown };

export class PacedPlayback {
  #state: State = { status: 'idle' };
  /** Replies waiting for the one playing to finish, oldest first. */
  readonly #queue: ReplyAudio[] = [];
  readonly #sink: OpusSink;
  readonly #clock: PacerClock;
  readonly #onReplyEnded: (report: PlaybackReport) => void;
  readonly #onReplyStarted: ((reply: ReplyAudio) => void) | undefined;
  readonly #maxMissedFrames: number;

  /** `maxMissedFrames`: a reply that delivers nothing for this many ticks is given up. */
  constructor(
    sink: OpusSink,
    onReplyEnded: (report: PlaybackReport) => void,
    options: {
      clock?: PacerClock;
      maxMissedFrames?: number;
      /** Called as a reply's first packet is sent (queued replies too); must not call play/stop. */
      onReplyStarted?: (reply: ReplyAudio) => void;
    } = {},
  ) {
    this.#onReplyStarted = options.onReplyStarted;
    this.#sink = sink;
    this.#onReplyEnded = onReplyEnded;
    this.#clock = options.clock ?? realClock;
    this.#maxMissedFrames = options.maxMissedFrames ?? 500;
  }

  get status(): State['status'] {
    return this.#state.status;
  }

  /** The reply being played, if any. */
  get reply(): ReplyAudio | undefined {
    return this.#state.status === 'playing' ? this.#state.reply : undefined;
  }

  /** Milliseconds of the current reply sent so far. */
  get playedMs(): number {
    return this.#state.status === 'playing' ? this.#state.packets * FRAME_MS : 0;
  }

  /** True when `reply` is playing or queued. */
  has(reply: ReplyAudio): boolean {
    return this.reply === reply || this.#queue.includes(reply);
  }

  /**
   * Plays `reply`: at once if nothing is playing (its first packet is sent before this returns),
   * otherwise right after the replies ahead of it, with no gap.
   */
  play(reply: ReplyAudio): void {
    if (this.has(reply)) return;
    if (this.#state.status === 'playing') {
      this.#queue.push(reply);
      return;
    }
    this.#start(reply, this.#clock.now());
  }

  /** Barge-in: nothing more is sent of the playing reply or the queued ones; returns their reports. */
  stop(): PlaybackReport[] {
    const queued = this.#queue.splice(0).map((reply) => {
      reply.abort();
      return { reply, packets: 0, underruns: 0, end: 'stopped' as const };
    });
    const report = this.#endReply('stopped');
    if (report) this.#tick();
    return report ? [report, ...queued] : queued;
  }

  /** Session over: no further packets, no timers. */
  close(): void {
    for (const reply of this.#queue.splice(0)) reply.abort();
    if (this.#state.status === 'playing') this.#state.reply.abort();
    this.#clearTimer();
    this.#set({ status: 'idle' });
  }

  #start(reply: ReplyAudio, at: number): void {
    this.#clearTimer();
    this.#set({
      status: 'playing',
      reply,
      packets: 0,
      underruns: 0,
      missedInARow: 0,
      nextAt: at,
      timer: undefined,
    });
    this.#tick();
    this.#onReplyStarted?.(reply);
  }

  #set(next: State): void {
    this.#state = next;
  }

  #clearTimer(): void {
    if (this.#state.status !== 'idle' && this.#state.timer !== undefined)
      this.#clock.clearTimeout(this.#state.timer);
  }

  /** Ends the playing reply (if any) and switches to trailing silence; reports it. */
  #endReply(end: PlaybackReport['end']): PlaybackReport | undefined {
    const s = this.#state;
    if (s.status !== 'playing') return undefined;
    if (end !== 'done') s.reply.abort();
    this.#clearTimer();
    this.#set({
      status: 'trailing',
      silenceLeft: TRAILING_SILENCE_FRAMES,
      nextAt: s.nextAt,
      timer: undefined,
    });
    const report = {
      reply: s.reply,
      packets: s.packets,
      underruns: s.underruns,
      end,
    };
    // Reported after this call stack: a listener that starts another reply must not re-enter a tick.
    queueMicrotask(() => this.#onReplyEnded(report));
    return report;
  }

  #tick(): void {
    const s = this.#state;
    if (s.status === 'idle') return;
    if (s.status === 'trailing') {
      if (s.silenceLeft === 0) {
        this.#sink.setSpeaking(false);
        this.#set({ status: 'idle' });
        return;
      }
      s.silenceLeft--;
      this.#sink.playOpusPacket(SILENCE);
    } else {
      const packet = s.reply.nextPacket();
      if (packet) {
        this.#sink.playOpusPacket(packet);
        s.packets++;
        s.missedInARow = 0;
      } else if (s.reply.done || s.missedInARow >= this.#maxMissedFrames) {
        const next = this.#queue.shift();
        this.#endReply(s.reply.done ? 'done' : 'stalled');
        if (next) {
          // Back to back: the next reply's first packet takes this tick, on the same clock.
          this.#start(next, s.nextAt);
          return;
        }
        this.#tick();
        return;
      } else {
        // Still streaming but nothing ready: keep the receiver's clock running with silence.
        this.#sink.playOpusPacket(SILENCE);
        s.underruns++;
        s.missedInARow++;
      }
    }
    this.#schedule();
  }

  #schedule(): void {
    const s = this.#state;
    if (s.status === 'idle') return;
    const now = this.#clock.now();
    s.nextAt += FRAME_MS;
    if (s.nextAt < now - MAX_BEHIND_MS) s.nextAt = now + FRAME_MS;
    s.timer = this.#clock.setTimeout(() => this.#tick(), Math.max(0, s.nextAt - now));
  }
}
