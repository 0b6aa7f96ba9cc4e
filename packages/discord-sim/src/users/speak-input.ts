import { resampleLinear, stereoToMono } from '../audio/signal.ts';
import { type Pcm16Audio, readWav } from '../audio/wav.ts';
import type { PreEncodedSpeech } from './speaker.ts';

/**
 * Audio a simulated user can speak: 48 kHz mono PCM, a decoded WAV, a WAV file path, or speech
 * already encoded with `encodeSpeech` (then `bitrate` does not apply).
 */
export type SpeakInput = Int16Array | Pcm16Audio | string | PreEncodedSpeech;

export function toSpeakSource(input: SpeakInput): Int16Array | PreEncodedSpeech {
  if (typeof input === 'string' || input instanceof Int16Array) return toMono48k(input);
  return 'opusFrames' in input ? input : toMono48k(input);
}

function toMono48k(input: Int16Array | Pcm16Audio | string): Int16Array {
  if (input instanceof Int16Array) return input;
  const audio = typeof input === 'string' ? readWav(input) : input;
  const mono = audio.channels === 2 ? stereoToMono(audio.samples) : audio.samples;
  if (audio.channels > 2)
    throw new Error(`speak(): ${audio.channels}-channel audio is not supported; use mono or stereo`);
  return resampleLinear(mono, audio.sampleRate, 48_000);
}
