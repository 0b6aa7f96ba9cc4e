// One reply of a character: model PCM in as it streams, 20 ms frames in the room's output format
// out, one per pacer tick. Frames are cut (and resampled, when the output format differs from the
// model's) as the audio arrives; encoding is the sink's, frame by frame, when each is due.
import { FRAME_MS, frameSamples } from '../audio/frames.ts';
import { FrameChunker, samplesToMs } from '../audio/pcm.ts';
import { createResampler, type Resampler } from '../audio/resampler.ts';
import type { CastMember } from './ports.ts';

export interface OutputFormat {
  sampleRate: number;
  channels: 1 | 2;
}

/**
 * streaming: the model is still sending; complete: it finished; cut: the room stopped taking its
 * audio (too far ahead of playback) and will play what it holds; aborted: a barge-in dropped it.
 */
export type ReplyStatus = 'streaming' | 'complete' | 'cut' | 'aborted';

export class Reply {
  readonly responseId: string;
  readonly character: CastMember;
  itemId: string | undefined;
  /** When its first audio arrived (room clock). */
  readonly createdAt: number;
  readonly #modelRate: number;
  readonly #resampler: Resampler | undefined;
  readonly #chunker: FrameChunker;
  readonly #frames: Int16Array[] = [];
  #status: ReplyStatus = 'streaming';
  /** Frames handed out so far: × 20 ms is what the listeners heard. */
  framesTaken = 0;
  /** Frames handed out after abort(): what a barge-in failed to silence (0 unless a bug). */
  framesAfterAbort = 0;
  /** Model audio received, in samples at the model rate (what was generated, heard or not). */
  #receivedSamples = 0;

  constructor(
    responseId: string,
    character: CastMember,
    createdAt: number,
    modelRate: number,
    output: OutputFormat,
  ) {
    this.responseId = responseId;
    this.character = character;
    this.createdAt = createdAt;
    this.#modelRate = modelRate;
    this.#chunker = new FrameChunker(frameSamples(output.sampleRate, output.channels));
    this.#resampler =
      output.sampleRate === modelRate && output.channels === 1
        ? undefined
        : createResampler({
            inputRate: modelRate,
            outputRate: output.sampleRate,
            inputChannels: 1,
            outputChannels: output.channels,
          });
  }

  get status(): ReplyStatus {
    return this.#status;
  }

  /** Frames ready to play (the pre-roll counts these). */
  get queuedFrames(): number {
    return this.#frames.length;
  }

  /** Model audio received so far, in milliseconds. */
  get receivedMs(): number {
    return samplesToMs(this.#receivedSamples, this.#modelRate);
  }

  /** Audio ready to play, in milliseconds. */
  get bufferedMs(): number {
    return this.#frames.length * FRAME_MS;
  }

  /** No more audio will come and every frame has been taken. */
  get done(): boolean {
    return this.#status !== 'streaming' && this.#frames.length === 0;
  }

  /** Adds model audio (mono at the model rate); false when the reply takes no more. */
  push(pcm: Int16Array): boolean {
    if (this.#status !== 'streaming') return false;
    this.#receivedSamples += pcm.length;
    const out = this.#resampler ? this.#resampler.push(pcm) : pcm;
    for (const frame of this.#chunker.push(out)) this.#frames.push(frame);
    return true;
  }

  /** Milliseconds of model audio in `samples` model-rate samples. */
  msOf(samples: number): number {
    return samplesToMs(samples, this.#modelRate);
  }

  /** The model finished: flush the resampler and the last, zero-padded frame. */
  finish(): void {
    if (this.#status !== 'streaming') return;
    this.#flush();
    this.#status = 'complete';
  }

  /** Takes no more audio but keeps (and will play) what it holds. */
  cut(): void {
    if (this.#status !== 'streaming') return;
    this.#flush();
    this.#status = 'cut';
  }

  /** Barge-in: forget everything not yet played. */
  abort(): void {
    this.#frames.length = 0;
    this.#status = 'aborted';
  }

  /** The next frame, or undefined if none is ready (yet, or ever: see `done`). */
  nextFrame(): Int16Array | undefined {
    const frame = this.#frames.shift();
    if (!frame) return undefined;
    this.framesTaken++;
    if (this.#status === 'aborted') this.framesAfterAbort++;
    return frame;
  }

  #flush(): void {
    if (this.#resampler) for (const f of this.#chunker.push(this.#resampler.flush())) this.#frames.push(f);
    const last = this.#chunker.flush();
    if (last) this.#frames.push(last);
  }
}
