// The demo's proof that pauses survive: for each line a player speaks, the pauses in what they
// said (the recording, as their client sends it: nothing in silence) against the pauses in what
// the model heard of that turn (realtime-sim's decoded input, 24 kHz). Only the local model shows
// its input; with the real model the comparison is skipped.
import { measurePauses, trimSilence } from '@troupe/discord-sim';
import type { RealtimeSim } from '@troupe/realtime-sim';

/** One spoken line's pauses (ms), in the recording and in what the model heard. */
export interface DemoPauses {
  player: string;
  spoken: number[];
  heard: number[];
}

/** Pauses of at least this long are compared (shorter ones are gaps between syllables). */
const MIN_PAUSE_MS = 60;

/** Pauses inside speech (not before or after it), 48 kHz mono. */
export function innerPauses(pcm48k: Int16Array): number[] {
  return measurePauses(trimSilence(pcm48k), MIN_PAUSE_MS).map((p) => Math.round(p.ms));
}

/** Records the model's input per session, so a turn's audio can be looked at afterwards. */
export class ModelInputTap {
  readonly #chunks = new Map<string, Int16Array[]>();

  constructor(sim: RealtimeSim) {
    sim.events.on('append', (s, _n, pcm) => {
      const list = this.#chunks.get(s.sessionId) ?? [];
      list.push(pcm);
      this.#chunks.set(s.sessionId, list);
    });
  }

  /** Where every session stands now. */
  mark(): Map<string, number> {
    return new Map([...this.#chunks].map(([id, c]) => [id, c.length]));
  }

  /** What the session that heard most since `mark` received, upsampled to 48 kHz (sample doubling). */
  since(mark: Map<string, number>): Int16Array {
    let best: Int16Array[] = [];
    for (const [id, chunks] of this.#chunks) {
      const fresh = chunks.slice(mark.get(id) ?? 0);
      if (fresh.reduce((n, c) => n + c.length, 0) > best.reduce((n, c) => n + c.length, 0)) best = fresh;
    }
    const up = new Int16Array(best.reduce((n, c) => n + c.length, 0) * 2);
    let at = 0;
    for (const c of best)
      for (let i = 0; i < c.length; i++, at += 2) {
        up[at] = c[i]!;
        up[at + 1] = c[i]!;
      }
    return up;
  }
}

/** "Alice: paused 160, 340 ms; the model heard 158, 338 ms". */
export function formatPauses(p: DemoPauses): string {
  const list = (ms: number[]) => (ms.length ? `${ms.join(', ')} ms` : 'none');
  return `Pauses: ${p.player} paused ${list(p.spoken)}; the model heard ${list(p.heard)}`;
}
