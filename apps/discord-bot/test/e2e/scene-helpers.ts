// What the scene tests say and wait for. Players' utterances are voiced signals of distinct lengths,
// and the local model knows each by its length (transcriptsByDuration): the words reach the bot only
// through the model's transcription events, as a real model's would.
import { type SimResponseLog, synthesizeSpeech, transcriptsByDuration } from '@troupe/realtime-sim';
import type { Harness } from '../../src/demo/harness.ts';

/** The voices of the built-in personas, as realtime-sim pitches them. */
export const MARA = 'linjiajiejie';
export const LIU = 'wenrounansheng';
export const LIN = 'elegantgentle-female';

/** A transport adds about 100 ms to an utterance (Discord's closing silence frames). */
const TRAILING_MS = 100;

export type Lines = Record<string, { ms: number; text: string }>;

/** Makes the local model transcribe each utterance of `lines` by its length. */
export function scriptLines(h: Harness, lines: Lines): void {
  const entries = Object.values(lines).map((l) => ({ ms: l.ms + TRAILING_MS, text: l.text }));
  h.realtime.script.transcribe = transcriptsByDuration(entries, 120);
}

/** `user` says `line` (48 kHz voiced audio of its length). */
export async function say(h: Harness, user: string, line: { ms: number }): Promise<void> {
  await h.discord.speak(user, synthesizeSpeech('player', line.ms, 48_000));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves once the model has nothing in progress and `listener` has heard nothing for a while. */
export async function settled(
  h: Harness,
  listener: string,
  quietMs = 400,
  timeoutMs = 20_000,
): Promise<void> {
  const ears = h.discord.listener(listener);
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const busy = h.realtime.responses.some((r) => r.status === 'in_progress');
    const last = ears.lastAudioAt ?? 0;
    if (!busy && performance.now() - last >= quietMs) return;
    await sleep(50);
  }
  throw new Error(`the scene did not settle within ${timeoutMs} ms`);
}

/** The replies started since `from` (an index into the model's responses), once `n` of them finished. */
export async function replies(h: Harness, from: number, n = 1): Promise<SimResponseLog[]> {
  await h.realtime.waitFor(
    () => h.realtime.responses.slice(from).filter((r) => r.status !== 'in_progress').length >= n,
    20_000,
  );
  return h.realtime.responses.slice(from);
}
