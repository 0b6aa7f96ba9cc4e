// Hands a room's reply frames to the sink one every 20 ms, on the room's clock. The first frame of
// a reply goes out the moment it is played (no waiting for a shared tick); replies queued behind
// it follow back to back on the same rhythm; an underrun sends a silence frame and waits for the
// rest; a barge-in stops the very next frame; after a reply, five silence frames (Discord asks for
// them so decoders do not interpolate) and then `quiet()`. A stalled process resynchronises
// instead of bursting its backlog.
import { FRAME_MS, frameSamples } from '../audio/frames.ts';
import type { Clock } from '../session/clock.ts';
import type { FrameSink, SilenceFrame } from './ports.ts';
import type { OutputFormat, Reply } from './reply.ts';

/** How one reply's playback went. */
export interface PlaybackReport {
  reply: Reply;
  /** Audio frames handed to the sink (silence excluded): × 20 ms is what listeners heard. */
  frames: number;
  /** Ticks that found no audio while the reply was still streaming (a silence frame went instead). */
  underruns: number;
  /** done: played to the end; stopped: barge-in or close; stalled: nothing arrived for too long. */
  end: 'done' | 'stopped' | 'stalled';
}

/** What the pacer tells its owner, once each tick's work is done (so a listener may play or stop). */
export interface PacerListener {
  /** A reply's first frame was just handed to the sink (queued replies too). */
  started(reply: Reply): void;
  /** A reply played out ('done') or was given up ('stalled'); `stop()` returns its reports instead. */
  ended(report: PlaybackReport): void;
  /** The trailing silence is over. */
  quiet(): void;
}

const TRAILING_SILENCE_FRAMES = 5;
/** Later than this, the pacer restarts its rhythm from now instead of catching up. */
const MAX_BEHIND_MS = 100;

type PacerState =
  | { status: 'idle' }
  | {
      status: 'playing';
      reply: Reply;
      underruns: number;
      missedInARow: number;
      nextAt: number;
      timer: unknown;
    }
  | { status: 'trailing'; silenceLeft: number; nextAt: number; timer: unknown };

type Notice =
  | { type: 'started'; reply: Reply }
  | { type: 'ended'; report: PlaybackReport }
  | { type: 'quiet' };

export class Pacer {
  #state: PacerState = { status: 'idle' };
  /** Replies waiting for the one playing, oldest first. */
  readonly #queue: Reply[] = [];
  readonly #notices: Notice[] = [];
  readonly #sink: FrameSink;
  readonly #clock: Clock;
  readonly #listener: PacerListener;
  readonly #maxMissedFrames: number;
  readonly #underrun: SilenceFrame;
  readonly #trailing: SilenceFrame;
  /** Audio frames handed to the sink, all replies. */
  framesPlayed = 0;

  /** `maxMissedFrames`: a reply that delivers nothing for this many ticks is given up. */
  constructor(
    sink: FrameSink,
    clock: Clock,
    format: OutputFormat,
    listener: PacerListener,
    maxMissedFrames = 500,
  ) {
    this.#sink = sink;
    this.#clock = clock;
    this.#listener = listener;
    this.#maxMissedFrames = maxMissedFrames;
    const pcm = new Int16Array(frameSamples(format.sampleRate, format.channels));
    this.#underrun = Object.freeze({ kind: 'silence', cause: 'underrun', pcm, ...format });
    this.#trailing = Object.freeze({ kind: 'silence', cause: 'trailing', pcm, ...format });
  }

  get status(): PacerState['status'] {
    return this.#state.status;
  }

  /** The reply playing now, if any. */
  get playing(): Reply | undefined {
    return this.#state.status === 'playing' ? this.#state.reply : undefined;
  }

  /** The playing reply and those queued behind it. */
  get replies(): Reply[] {
    const playing = this.playing;
    return playing ? [playing, ...this.#queue] : [];
  }

  has(reply: Reply): boolean {
    return this.playing === reply || this.#queue.includes(reply);
  }

  /** Plays `reply` now if nothing is playing (its first frame is handed over before this returns), else after the others. */
  play(reply: Reply): void {
    if (this.has(reply)) return;
    if (this.#state.status === 'playing') this.#queue.push(reply);
    else this.#start(reply, this.#clock.now());
    this.#deliver();
  }

  /** Barge-in: nothing more of the playing reply or the queued ones; returns their reports. */
  stop(): PlaybackReport[] {
    const queued = this.#queue.splice(0).map((reply): PlaybackReport => {
      reply.abort();
      return { reply, frames: 0, underruns: 0, end: 'stopped' };
    });
    const report = this.#endReply('stopped');
    if (report) this.#tick();
    this.#deliver();
    return report ? [report, ...queued] : queued;
  }

  /** The room is over: no further frames, no timers. */
  close(): void {
    for (const reply of this.#queue.splice(0)) reply.abort();
    if (this.#state.status === 'playing') this.#state.reply.abort();
    this.#set({ status: 'idle' });
    this.#notices.length = 0;
  }

  /** The one place the state changes: a timer belongs to the state that set it. */
  #set(next: PacerState): void {
    const prev = this.#state;
    if (prev.status !== 'idle' && prev.timer !== undefined) this.#clock.clearTimeout(prev.timer);
    this.#state = next;
  }

  #start(reply: Reply, at: number): void {
    this.#set({ status: 'playing', reply, underruns: 0, missedInARow: 0, nextAt: at, timer: undefined });
    this.#tick();
    this.#notices.push({ type: 'started', reply });
  }

  /** Ends the playing reply (if any) and moves to the trailing silence. */
  #endReply(end: PlaybackReport['end']): PlaybackReport | undefined {
    const s = this.#state;
    if (s.status !== 'playing') return undefined;
    if (end !== 'done') s.reply.abort();
    this.#set({
      status: 'trailing',
      silenceLeft: TRAILING_SILENCE_FRAMES,
      nextAt: s.nextAt,
      timer: undefined,
    });
    return { reply: s.reply, frames: s.reply.framesTaken, underruns: s.underruns, end };
  }

  #tick(): void {
    const s = this.#state;
    if (s.status === 'idle') return;
    if (s.status === 'trailing') {
      if (s.silenceLeft === 0) {
        this.#set({ status: 'idle' });
        this.#sink.quiet();
        this.#notices.push({ type: 'quiet' });
        return;
      }
      s.silenceLeft--;
      this.#sink.play(this.#trailing);
    } else {
      const index = s.reply.framesTaken;
      const pcm = s.reply.nextFrame();
      if (pcm) {
        const { responseId, character } = s.reply;
        const { sampleRate, channels } = this.#trailing;
        this.#sink.play({
          kind: 'audio',
          pcm,
          sampleRate,
          channels,
          responseId,
          character: character.name,
          index,
        });
        this.framesPlayed++;
        s.missedInARow = 0;
      } else if (s.reply.done || s.missedInARow >= this.#maxMissedFrames) {
        const report = this.#endReply(s.reply.done ? 'done' : 'stalled')!;
        this.#notices.push({ type: 'ended', report });
        const next = this.#queue.shift();
        // Back to back: the next reply's first frame takes this tick, on the same rhythm.
        if (next) this.#start(next, s.nextAt);
        else this.#tick();
        return;
      } else {
        // Still streaming but nothing ready: keep the listener's decoder fed with silence.
        this.#sink.play(this.#underrun);
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
    s.timer = this.#clock.setTimeout(
      () => {
        this.#tick();
        this.#deliver();
      },
      Math.max(0, s.nextAt - now),
    );
  }

  /** Tells the listener what happened, after the work that caused it is complete. */
  #deliver(): void {
    for (let n = this.#notices.shift(); n; n = this.#notices.shift()) {
      if (n.type === 'started') this.#listener.started(n.reply);
      else if (n.type === 'ended') this.#listener.ended(n.report);
      else this.#listener.quiet();
    }
  }
}
