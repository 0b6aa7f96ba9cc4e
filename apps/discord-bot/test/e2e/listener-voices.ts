// Who a listener heard, told by pitch: realtime-sim speaks each voice at its own fundamental
// (voicePitchHz), so each stretch of audio a simulated Discord user received can be attributed to
// a voice. A stretch runs from one audible packet to the last before a silence frame or a gap; two
// characters speaking at once would show as a stretch whose windows disagree (or match no voice).
import type { DiscordSim } from '@troupe/discord-sim';
import { createOpusDecoder } from '@troupe/opus';
import { estimatePitchHz, voicePitchHz } from '@troupe/realtime-sim';

/** A run of audible packets, in arrival order. */
export interface HeardStretch {
  startMs: number;
  endMs: number;
  /** The voice of each 200 ms window (undefined: no voice matched it). */
  windows: (string | undefined)[];
}

const RATE = 48_000;
const WINDOW = RATE / 5;
/** A gap longer than this between audible packets starts a new stretch. */
const GAP_MS = 120;

/**
 * The voice whose pitch `hz` is nearest (within 4 %), counting a voice's octave below too, the
 * estimator's usual slip; an exact pitch beats another voice's octave.
 */
export function voiceOfPitch(hz: number, voices: readonly string[]): string | undefined {
  let best: { voice: string; off: number } | undefined;
  for (const voice of voices) {
    const f = voicePitchHz(voice);
    const off = Math.min(Math.abs(hz - f) / f, Math.abs(hz - f / 2) / (f / 2) + 0.01);
    if (off < 0.04 && (!best || off < best.off)) best = { voice, off };
  }
  return best?.voice;
}

/** Starts recording what `user` hears; `stretches()` attributes it so far. */
export function recordVoices(discord: DiscordSim, user: string, voices: readonly string[]) {
  const decoder = createOpusDecoder({ sampleRate: RATE, channels: 2 });
  const packets: { at: number; silence: boolean; mono?: Int16Array }[] = [];
  const listener = discord.listener(user);
  listener.onPacket = (opus, packet) => {
    if (packet.silence) {
      packets.push({ at: packet.arrivalMs, silence: true });
      return;
    }
    const stereo = decoder.decode(opus);
    if (!stereo) return;
    const mono = new Int16Array(stereo.length / 2);
    for (let i = 0; i < mono.length; i++) mono[i] = (stereo[2 * i]! + stereo[2 * i + 1]!) >> 1;
    packets.push({ at: packet.arrivalMs, silence: false, mono });
  };
  const stretches = (): HeardStretch[] => {
    const out: HeardStretch[] = [];
    let run: { at: number; mono: Int16Array }[] = [];
    const close = () => {
      if (run.length === 0) return;
      const pcm = new Int16Array(run.reduce((n, p) => n + p.mono.length, 0));
      let at = 0;
      for (const p of run) {
        pcm.set(p.mono, at);
        at += p.mono.length;
      }
      const windows: (string | undefined)[] = [];
      // Whole windows only, past the first (a reply fades in).
      for (let w = WINDOW; w + WINDOW <= pcm.length; w += WINDOW)
        windows.push(voiceOfPitch(estimatePitchHz(pcm.subarray(w, w + WINDOW), RATE), voices));
      out.push({ startMs: run[0]!.at, endMs: run.at(-1)!.at, windows });
      run = [];
    };
    for (const p of packets) {
      if (p.silence || !p.mono) {
        close();
        continue;
      }
      if (run.length && p.at - run.at(-1)!.at > GAP_MS) close();
      run.push({ at: p.at, mono: p.mono });
    }
    close();
    return out;
  };
  return {
    stretches,
    /**
     * The voices heard, in order: runs of windows of one voice. Replies may follow each other with
     * no silence between them (one stream, back to back), so a stretch can hold several runs; a
     * window straddling the change may match no voice (`between` says it sits between two voices).
     */
    runs(): { voice: string | undefined; windows: number; between: boolean }[] {
      const out: { voice: string | undefined; windows: number; between: boolean }[] = [];
      for (const s of stretches()) {
        const runs: { voice: string | undefined; windows: number; between: boolean }[] = [];
        for (const w of s.windows) {
          const last = runs.at(-1);
          if (last && last.voice === w) last.windows++;
          else runs.push({ voice: w, windows: 1, between: false });
        }
        for (let k = 1; k + 1 < runs.length; k++)
          if (runs[k]!.voice === undefined) runs[k]!.between = runs[k - 1]!.voice !== runs[k + 1]!.voice;
        out.push(...runs);
      }
      return out;
    },
    stop() {
      listener.onPacket = undefined;
    },
  };
}

/**
 * The voice of each audible 200 ms window of `mono` (a recording such as the demo's listener WAV):
 * windows quieter than `floorDbfs` are skipped; undefined where no voice matched.
 */
export function voicesOfRecording(
  mono: Int16Array,
  rate: number,
  voices: readonly string[],
  floorDbfs = -35,
): (string | undefined)[] {
  const size = rate / 5;
  const out: (string | undefined)[] = [];
  for (let w = 0; w + size <= mono.length; w += size) {
    const win = mono.subarray(w, w + size);
    let sum = 0;
    for (const s of win) sum += s * s;
    const dbfs = 20 * Math.log10(Math.sqrt(sum / win.length) / 32768);
    if (dbfs < floorDbfs) continue;
    out.push(voiceOfPitch(estimatePitchHz(win, rate), voices));
  }
  return out;
}
