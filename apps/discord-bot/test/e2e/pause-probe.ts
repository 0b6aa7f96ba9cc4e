// What the model heard of a member's speech, for the pause-fidelity test and bench: the input audio
// the model server decoded (per session, in order), the labels and commits it holds, and the
// packets the bot's receiver counted.
import { fixtureWithPause, measurePauses } from '@troupe/discord-sim';
import type { VoiceHarness } from './voice-harness.ts';

export interface PauseProbe {
  /** Chunks of model input received so far in the open session (a mark for `heardSince`). */
  mark(): number;
  /** The model's input since `mark`, upsampled to 48 kHz for the fixtures' pause meter. */
  heardSince(mark: number): Int16Array;
  labels(name: string): number;
  commits(): number;
  packetsOf(name: string): number;
  /** Waits until `n` replies completed and the channel has been quiet for 300 ms. */
  answered(n: number): Promise<void>;
}

export function pauseProbe(h: VoiceHarness, listener = 'carol'): PauseProbe {
  const heard = new Map<string, Int16Array[]>();
  h.model.events.on('append', (s, _n, pcm) => {
    const chunks = heard.get(s.sessionId) ?? [];
    chunks.push(pcm);
    heard.set(s.sessionId, chunks);
  });
  const session = () => h.model.sessions.find((s) => !s.closed)!;
  return {
    mark: () => heard.get(session().sessionId)?.length ?? 0,
    heardSince(mark) {
      const chunks = (heard.get(session().sessionId) ?? []).slice(mark);
      const up = new Int16Array(chunks.reduce((n, c) => n + c.length, 0) * 2);
      let at = 0;
      for (const c of chunks)
        for (let i = 0; i < c.length; i++, at += 2) {
          up[at] = c[i]!;
          up[at + 1] = c[i]!;
        }
      return up;
    },
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
