import { describe, expect, it } from 'vitest';
import type { Resampler, ResamplerOptions } from '../audio/resampler.ts';

export type MakeResampler = (options: ResamplerOptions) => Resampler;

/** Feeds a tone through a resampler in 20 ms chunks; returns the first output channel. */
export function resampleTone(
  make: MakeResampler,
  o: ResamplerOptions,
  hz: number,
  amplitude: number,
  seconds = 0.3,
) {
  const r = make(o);
  const frames = Math.round(o.inputRate * seconds);
  const input = new Int16Array(frames * o.inputChannels);
  for (let i = 0; i < frames; i++) {
    const v = Math.round(amplitude * Math.sin((2 * Math.PI * hz * i) / o.inputRate));
    for (let c = 0; c < o.inputChannels; c++) input[i * o.inputChannels + c] = v;
  }
  const chunk = (o.inputRate / 50) * o.inputChannels;
  const parts: Int16Array[] = [];
  for (let at = 0; at < input.length; at += chunk) parts.push(r.push(input.subarray(at, at + chunk)));
  parts.push(r.flush());
  const all = concat(parts);
  const mono = new Float64Array(all.length / o.outputChannels);
  for (let i = 0; i < mono.length; i++) mono[i] = all[i * o.outputChannels]!;
  return { output: mono, delay: r.delay };
}

export function concat(parts: Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Least-squares fit of a sinusoid at `hz`; returns its amplitude and the residual RMS. */
export function fitTone(
  signal: Float64Array,
  rate: number,
  hz: number,
): { amplitude: number; residualRms: number } {
  let ss = 0;
  let sc = 0;
  let cc = 0;
  let ys = 0;
  let yc = 0;
  for (let i = 0; i < signal.length; i++) {
    const s = Math.sin((2 * Math.PI * hz * i) / rate);
    const c = Math.cos((2 * Math.PI * hz * i) / rate);
    ss += s * s;
    sc += s * c;
    cc += c * c;
    ys += signal[i]! * s;
    yc += signal[i]! * c;
  }
  const det = ss * cc - sc * sc;
  const a = (ys * cc - yc * sc) / det;
  const b = (yc * ss - ys * sc) / det;
  let res = 0;
  for (let i = 0; i < signal.length; i++) {
    const e =
      signal[i]! - a * Math.sin((2 * Math.PI * hz * i) / rate) - b * Math.cos((2 * Math.PI * hz * i) / rate);
    res += e * e;
  }
  return { amplitude: Math.hypot(a, b), residualRms: Math.sqrt(res / signal.length) };
}

/** The steady-state part of an output: filter warm-up and tail cut off. */
export function steady(output: Float64Array, delay: number): Float64Array {
  const margin = delay * 2 + 64;
  return output.subarray(margin, output.length - margin);
}

const AMP = 29_200; // −1 dBFS: keeps the int16 rounding floor near −97 dB below the tone

/** The measured quality of one rate pair, as the contract checks it. */
export function measureQuality(make: MakeResampler, o: ResamplerOptions) {
  const lower = Math.min(o.inputRate, o.outputRate);
  const passband = [100, 1000, 0.2 * lower, 0.35 * lower, 0.42 * lower].map((hz) => {
    const { output, delay } = resampleTone(make, o, hz, AMP);
    const fit = fitTone(steady(output, delay), o.outputRate, hz);
    return {
      hz,
      gainDb: 20 * Math.log10(fit.amplitude / AMP),
      // Everything that is not the tone: images when upsampling, distortion either way.
      spuriousDb: 20 * Math.log10(Math.max(fit.residualRms, 1e-9) / (AMP / Math.SQRT2)),
    };
  });
  const stopband =
    o.outputRate < o.inputRate
      ? [0.5 * lower + 20, 0.55 * lower, 0.7 * lower, 0.45 * o.inputRate]
          .filter((hz) => hz > 0.5 * lower && hz < 0.49 * o.inputRate)
          .map((hz) => {
            const { output, delay } = resampleTone(make, o, hz, AMP);
            const seg = steady(output, delay);
            let sum = 0;
            for (const v of seg) sum += v * v;
            return {
              hz,
              aliasDb: 20 * Math.log10(Math.max(Math.sqrt(sum / seg.length), 1e-9) / (AMP / Math.SQRT2)),
            };
          })
      : [];
  return { passband, stopband };
}

/** Rate pairs (in, out, in channels, out channels) every resampler must pass. */
export const CONTRACT_PAIRS: [number, number, 1 | 2, 1 | 2][] = [
  [48000, 24000, 2, 1],
  [24000, 48000, 1, 2],
  [48000, 16000, 2, 1],
  [16000, 48000, 1, 2],
  [44100, 48000, 2, 2],
  [48000, 44100, 1, 1],
  [8000, 24000, 1, 1],
  [24000, 8000, 1, 1],
];

/** Assertions every resampler implementation must pass. */
export function resamplerContract(name: string, make: MakeResampler): void {
  describe(`resampler contract: ${name}`, () => {
    it('gives the same samples for one big push as for many odd-sized pushes', () => {
      const o: ResamplerOptions = {
        inputRate: 48000,
        outputRate: 24000,
        inputChannels: 2,
        outputChannels: 1,
      };
      let seed = 1;
      const input = new Int16Array(48000 * 2);
      for (let i = 0; i < input.length; i++) {
        seed = (seed * 1664525 + 1013904223) >>> 0;
        input[i] = (seed >> 16) - 32768;
      }
      const one = make(o);
      const whole = concat([one.push(input), one.flush()]);
      const many = make(o);
      const parts: Int16Array[] = [];
      for (let at = 0, step = 2; at < input.length; at += step, step = ((step * 7) % 998) + 2) {
        parts.push(many.push(input.subarray(at, Math.min(input.length, at + step))));
      }
      parts.push(many.flush());
      expect(concat(parts)).toEqual(whole);
    });

    it.each(CONTRACT_PAIRS)(
      'keeps length and frequency for %i → %i Hz (%i → %i ch)',
      (inR, outR, inC, outC) => {
        const o = { inputRate: inR, outputRate: outR, inputChannels: inC, outputChannels: outC };
        const r = make(o);
        let total = 0;
        for (let i = 0; i < 50; i++) total += r.push(new Int16Array((inR / 50) * inC)).length;
        expect(total / outC).toBeGreaterThanOrEqual(outR - 1);
        expect(total / outC).toBeLessThanOrEqual(outR + 1);
        const { output, delay } = resampleTone(make, o, 440, 20_000);
        const fit = fitTone(steady(output, delay), outR, 440);
        expect(Math.abs(20 * Math.log10(fit.amplitude / 20_000))).toBeLessThan(0.1);
      },
    );

    it.each(CONTRACT_PAIRS)('meets the quality bar for %i → %i Hz (%i → %i ch)', (inR, outR, inC, outC) => {
      const q = measureQuality(make, {
        inputRate: inR,
        outputRate: outR,
        inputChannels: inC,
        outputChannels: outC,
      });
      for (const p of q.passband) {
        expect(Math.abs(p.gainDb), `gain at ${p.hz} Hz`).toBeLessThanOrEqual(0.1);
        expect(p.spuriousDb, `images/distortion at ${p.hz} Hz`).toBeLessThanOrEqual(-90);
      }
      for (const s of q.stopband) expect(s.aliasDb, `alias of ${s.hz} Hz`).toBeLessThanOrEqual(-90);
    });

    it('handles empty input, reset and flush', () => {
      const r = make({ inputRate: 24000, outputRate: 48000, inputChannels: 1, outputChannels: 2 });
      expect(r.push(new Int16Array(0))).toHaveLength(0);
      const first = r.push(new Int16Array(480).fill(1000));
      r.reset();
      expect(r.push(new Int16Array(480).fill(1000))).toEqual(first);
      expect(r.flush().length).toBeGreaterThan(0);
      expect(() =>
        make({ inputRate: 48000, outputRate: 24000, inputChannels: 2, outputChannels: 1 }).push(
          new Int16Array(3),
        ),
      ).toThrow(/whole number/);
    });
  });
}
