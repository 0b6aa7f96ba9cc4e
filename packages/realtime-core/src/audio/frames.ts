// The audio units the realtime models and the room agree on, defined once.

/** The realtime models' PCM rate both ways (StepFun and OpenAI speak 24 kHz mono PCM16). */
export const MODEL_RATE = 24_000;

/** One playback frame: Opus's and Discord's packet duration, the pacer's tick. */
export const FRAME_MS = 20;

/** Interleaved PCM16 with the format it is in: what speakers feed a room and what a room plays. */
export interface PcmFrame {
  /** Interleaved samples (`channels` per instant). */
  pcm: Int16Array;
  sampleRate: number;
  channels: 1 | 2;
}

/** Samples in one `FRAME_MS` frame at `sampleRate` with `channels` interleaved. */
export function frameSamples(sampleRate: number, channels = 1): number {
  return (sampleRate * FRAME_MS * channels) / 1000;
}

/** Throws a RangeError naming what is wrong with a frame's format, so bad input fails at the boundary. */
export function checkPcmFrame(frame: PcmFrame): void {
  if (!Number.isInteger(frame.sampleRate) || frame.sampleRate <= 0)
    throw new RangeError(`sampleRate must be a positive integer, got ${frame.sampleRate}`);
  if (frame.channels !== 1 && frame.channels !== 2)
    throw new RangeError(`channels must be 1 or 2, got ${String(frame.channels)}`);
  if (frame.pcm.length % frame.channels !== 0)
    throw new RangeError(
      `a ${frame.channels}-channel frame needs a multiple of ${frame.channels} samples, got ${frame.pcm.length}`,
    );
}
