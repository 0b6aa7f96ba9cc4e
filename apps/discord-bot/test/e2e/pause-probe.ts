// What the model heard of a member's speech, for the pause-fidelity test and bench: the input audio
// the model server decoded (the demo's ModelInputTap), the labels and commits it holds, and the
// packets the bot's receiver counted.
import { fixtureWithPause, measurePauses } from '@troupe/discord-sim';
import { ModelInputTap } from '../../src/demo/pause-timeline.ts';
import type { VoiceHarness } from './voice-harness.ts';

export interface PauseProbe {
  /** Where the model's input stands now (a mark for `heardSince`). */
  mark(): Map<string, number>;
  /** The model's input since `mark`, upsampled to 48 kHz for the fixtures' pause meter. */
  heardSince(mark: Map<string, number>): Int16Array;
  labels(name: string): number;
  commits(): number;
  packetsOf(name: string): number;
  /** Waits until `n` replies completed and the channel has been quiet for 300 ms. */
  answered(n: number): Promise<void>;
}

export function pauseProbe(h: VoiceHarness, listener = 'carol'): PauseProbe {
  const input = new ModelInputTap(h.model);
  const session = () => h.model.sessions.find((s) => !s.closed)!;
  return {
    mark: () => input.mark(),
    heardSince: (mark) => input.since(mark),
    labels: (name) => session().items.filter((i) => i.text?.startsWith(`[${name}`)).length,
    commits: () => session().items.filter((i) => i.role === 'user' && i.audioMs !== undefined).length,
    packetsOf: (name) =>
      h.voice
        .get(h.discord.guildId())
        ?.status()
        .heard.find((m) => m.displayName === name)?.packets ?? 0,
    async answered(n) {
      await h.model.waitFor(
        () => h.model.responses.filter((r) => r.status === 'completed').length >= n,
        20_000,
      );
      let last = -1;
      for (let still = 0; still < 3; ) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        const now = h.discord.listener(listener).heard().packets.length;
        still = now === last ? still + 1 : 0;
        last = now;
      }
    },
  };
}

/** "Phrase A, pause, phrase B" from the fixtures (one pause only). */
export function pausedSentence(pauseMs: number) {
  return fixtureWithPause({ fixture: 'en-alice', part: 'first' }, pauseMs, {
    fixture: 'en-bob',
    part: 'first',
  });
}

/** The silence the model heard that is closest to `expectedMs` (between the phrases), in ms. */
export function pauseHeard(heard48k: Int16Array, expectedMs: number): number | undefined {
  const between = measurePauses(heard48k).filter((p) => p.atMs > 100);
  if (between.length === 0) return undefined;
  return between.reduce((a, b) => (Math.abs(b.ms - expectedMs) < Math.abs(a.ms - expectedMs) ? b : a)).ms;
}
