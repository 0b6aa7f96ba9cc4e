// Who is talking in a room: each speaker's timing, their speech burst (for the echo guard), and
// the audio held for them while someone else has the floor. Held audio lives here and nowhere
// else, trimmed by one rule: its measured duration.
import { checkPcmFrame, type PcmFrame } from '../audio/frames.ts';
import { samplesToMs } from '../audio/pcm.ts';
import { createResampler, type Resampler } from '../audio/resampler.ts';
import { gapBetween } from './speech-gate.ts';

interface HeldChunk {
  pcm: Int16Array;
  ms: number;
  /** When it was heard: the floor passes to whoever has waited longest. */
  at: number;
}

export class Speaker {
  readonly id: string;
  displayName: string;
  /** Between the transport's start and stop of an utterance. */
  speaking = false;
  frames = 0;
  lastFrameAt = Number.NEGATIVE_INFINITY;
  /** Length of the latest frame (ms): the next one is due when it has played. */
  lastFrameMs = 0;
  /** When the latest frame louder than the speech gate arrived. */
  lastSpeechAt = Number.NEGATIVE_INFINITY;
  /** The latest frame was speech (a gap after it is jitter or loss, not a pause). */
  lastLoud = false;
  /** Silence sent for them since their last speech in their open turn (ms). */
  quietTailMs = 0;
  /** Speech in the current burst (pauses shorter than the hangover do not break it); silence never counts. */
  burstMs = 0;
  /** Handed to the room → sent to the model, for the speaker's latest frame (ms), when measured. */
  lastInboundMs: number | undefined;
  held: HeldChunk[] = [];
  heldMs = 0;
  #toModel: { rate: number; channels: number; resampler: Resampler } | undefined;

  constructor(id: string, displayName: string) {
    this.id = id;
    this.displayName = displayName;
  }

  /** The frame as the model hears it (mono at `modelRate`), through a per-speaker streaming resampler when needed. */
  toModel(frame: PcmFrame, modelRate: number): Int16Array {
    checkPcmFrame(frame);
    if (frame.sampleRate === modelRate && frame.channels === 1) return frame.pcm;
    const r = this.#toModel;
    if (!r || r.rate !== frame.sampleRate || r.channels !== frame.channels) {
      const resampler = createResampler({
        inputRate: frame.sampleRate,
        outputRate: modelRate,
        inputChannels: frame.channels,
        outputChannels: 1,
      });
      this.#toModel = { rate: frame.sampleRate, channels: frame.channels, resampler };
      return resampler.push(frame.pcm);
    }
    return r.resampler.push(frame.pcm);
  }

  /**
   * The pause their transport left unsent before a frame arriving at `now` (ms, 0 if none). A
   * client goes quiet only after silence frames: a gap after speech is a late or lost packet.
   */
  pauseBefore(now: number, minGapMs: number): number {
    return this.lastLoud ? 0 : gapBetween(this.lastFrameAt, this.lastFrameMs, now, minGapMs);
  }

  /**
   * A frame of `ms` arrived at `now`. Speech (`loud`) counts into the burst, which restarts after a
   * pause longer than `hangoverMs`; silence frames and noise below the gate never do.
   */
  heard(now: number, ms: number, hangoverMs: number, loud: boolean): void {
    if (loud) {
      if (now - this.lastSpeechAt > hangoverMs) this.burstMs = 0;
      this.lastSpeechAt = now;
      this.burstMs += ms;
    }
    this.lastFrameAt = now;
    this.lastFrameMs = ms;
    this.lastLoud = loud;
    this.frames++;
  }

  /** Holds audio for later, dropping the oldest beyond `maxHeldMs`; returns the milliseconds dropped. */
  hold(pcm: Int16Array, modelRate: number, at: number, maxHeldMs: number): number {
    const ms = samplesToMs(pcm.length, modelRate);
    this.held.push({ pcm, ms, at });
    this.heldMs += ms;
    let dropped = 0;
    while (this.heldMs > maxHeldMs && this.held.length > 0) {
      const oldest = this.held.shift()!;
      this.heldMs -= oldest.ms;
      dropped += oldest.ms;
    }
    return dropped;
  }

  /** Takes everything held, oldest first. */
  takeHeld(): Int16Array[] {
    const chunks = this.held.map((h) => h.pcm);
    this.held = [];
    this.heldMs = 0;
    return chunks;
  }

  /** When the oldest held audio was heard, or undefined if nothing is held. */
  get waitingSince(): number | undefined {
    return this.held[0]?.at;
  }
}

/** The speakers a room has heard, by id. */
export class SpeakerTable {
  readonly #byId = new Map<string, Speaker>();

  get(id: string): Speaker | undefined {
    return this.#byId.get(id);
  }

  /** The speaker `id`, added on first sight; `displayName` (when given) renames them. */
  ensure(id: string, displayName?: string): Speaker {
    let s = this.#byId.get(id);
    if (!s) {
      s = new Speaker(id, displayName ?? '');
      this.#byId.set(id, s);
    } else if (displayName !== undefined) s.displayName = displayName;
    return s;
  }

  all(): IterableIterator<Speaker> {
    return this.#byId.values();
  }

  /** The speaker who has waited longest with audio held, if anyone. */
  longestWaiting(): Speaker | undefined {
    let next: Speaker | undefined;
    for (const s of this.#byId.values()) {
      const since = s.waitingSince;
      if (since !== undefined && (next === undefined || since < next.waitingSince!)) next = s;
    }
    return next;
  }
}
