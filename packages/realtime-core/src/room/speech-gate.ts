// What counts as speech, and how long a speaker was silent between two frames. Discord clients
// (and most real-time transports) send nothing while their VAD hears silence, after a few silence
// frames; what the model should hear is the pause as it was, so the room rebuilds it from arrival
// times. Silence frames decode to zeros and breath noise stays far below speech: neither may hold
// the floor, open a turn or interrupt a character.
import { rms } from '../audio/pcm.ts';

/** RMS (16-bit scale) of a frame at `levelDbfs`. */
export function rmsAt(levelDbfs: number): number {
  return 32768 * 10 ** (levelDbfs / 20);
}

/** True when the frame is louder than the speech gate (RMS above `gateRms`). */
export function isSpeech(pcm: Int16Array, gateRms: number): boolean {
  return pcm.length > 0 && rms(pcm) > gateRms;
}

/**
 * The silence between a speaker's previous frame (arrived at `lastAt`, `lastMs` long) and one
 * arriving at `now`, in ms: 0 while frames arrive on time, or when the gap is within network
 * jitter (`minGapMs`); what a pause left unsent otherwise.
 */
export function gapBetween(lastAt: number, lastMs: number, now: number, minGapMs: number): number {
  if (!Number.isFinite(lastAt)) return 0;
  const gap = now - lastAt - lastMs;
  return gap >= minGapMs ? gap : 0;
}

/** `ms` of digital silence at `rate` (a pause, capped at `capMs`: the turn-end silence). */
export function silenceOf(ms: number, capMs: number, rate: number): Int16Array {
  return new Int16Array(Math.round((Math.min(ms, capMs) * rate) / 1000));
}
