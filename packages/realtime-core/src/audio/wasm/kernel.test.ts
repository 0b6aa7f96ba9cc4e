import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  buildResamplerKernel,
  GENERATED_PATH,
  renderKernelModule,
} from '../../../scripts/build-resampler-wasm.ts';
import { CONTRACT_PAIRS } from '../../testing/resampler-contract.ts';
import { designFilter } from '../kaiser-design.ts';
import { PolyphaseChannel } from '../polyphase.ts';
import { createResampler, type ResamplerOptions } from '../resampler.ts';
import { type KernelRuntime, kernelBytes, kernelRuntime, wasmApi } from './kernel.ts';
import { filterChunk } from './wasm-polyphase.ts';

function noise(length: number, seed: number): Int16Array {
  const out = new Int16Array(length);
  for (let i = 0; i < length; i++) {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    out[i] = (seed >> 16) - 32768;
  }
  return out;
}

function runtime(): KernelRuntime {
  const rt = kernelRuntime();
  if (!rt) throw new Error('wasm SIMD unavailable');
  return rt;
}

describe('generated kernel module', () => {
  it('is exactly what the generator emits today', () => {
    const bytes = buildResamplerKernel();
    expect(readFileSync(GENERATED_PATH, 'utf8')).toBe(renderKernelModule(bytes));
    expect(kernelBytes()).toEqual(bytes);
    expect(wasmApi()?.validate(kernelBytes())).toBe(true);
  });
});

const PAIRS: [number, number, 1 | 2, 1 | 2][] = [
  ...CONTRACT_PAIRS,
  [11025, 8000, 2, 2],
  [8000, 11025, 1, 2],
  [22050, 32000, 2, 1],
];

describe('wasm SIMD kernel against the JS kernel', () => {
  it.each(PAIRS)('agrees to ±1 LSB on noise for %i → %i Hz (%i → %i ch)', (inR, outR, inC, outC) => {
    const o: ResamplerOptions = {
      inputRate: inR,
      outputRate: outR,
      inputChannels: inC,
      outputChannels: outC,
    };
    const js = createResampler({ ...o, backend: 'js' });
    const wasm = createResampler({ ...o, backend: 'wasm-simd' });
    expect(wasm.delay).toBe(js.delay);
    const input = noise(inR * inC, inR + outR);
    let differing = 0;
    let total = 0;
    // Odd chunk sizes, from one frame to more than a kernel call's worth.
    for (let at = 0, step = 1; at < input.length / inC; at += step, step = (step * 13 + 7) % 3001) {
      const chunk = input.subarray(at * inC, Math.min(input.length, (at + step) * inC));
      const a = js.push(chunk);
      const b = wasm.push(chunk);
      expect(b.length).toBe(a.length);
      for (let i = 0; i < a.length; i++) {
        const d = Math.abs(a[i]! - b[i]!);
        if (d > 1) throw new Error(`sample ${total + i} differs by ${d}`);
        if (d) differing++;
      }
      total += a.length;
    }
    const ta = js.flush();
    const tb = wasm.flush();
    expect(tb.length).toBe(ta.length);
    expect(total).toBeGreaterThan(0);
    // Summation order differs, so an output landing within float error of a .5 may round the
    // other way; anything beyond that would be a logic error, not rounding.
    expect(differing / total).toBeLessThan(0.01);
  });

  it.each([
    [48000, 24000],
    [48000, 16000],
    [24000, 8000],
    [24000, 48000],
    [44100, 48000],
    [8000, 11025],
  ])('gives the same float outputs within float tolerance for %i → %i Hz', (inR, outR) => {
    const rt = runtime();
    const spec = designFilter(inR, outR);
    const k = spec.tapsPerPhase;
    const frames = 2000;
    const input = Float32Array.from(noise(frames, 7));
    const channel = new PolyphaseChannel(spec);
    const count = channel.outputCount(frames);
    const expected = new Float32Array(count);
    channel.process(input, expected, 0, 1);

    // The same chunk through the kernel over a zero history.
    const table = rt.table(spec);
    const sc = rt.scratch(k, count);
    rt.f32.fill(0, sc.work[0] >> 2, (sc.work[0] >> 2) + k - 1);
    rt.f32.set(input, (sc.work[0] >> 2) + k - 1);
    filterChunk(rt, spec, table, sc.work[0], sc.rev, frames, (k - 1) * spec.up, count, sc.fout[0]);
    const out = sc.fout[0];
    const got = rt.f32.slice(out >> 2, (out >> 2) + count);
    let worst = 0;
    for (let i = 0; i < count; i++) worst = Math.max(worst, Math.abs(got[i]! - expected[i]!));
    // Full-scale noise: outputs reach ~1e5, where f32 spacing is 0.008. JS sums in f64 and rounds
    // once; wasm sums in f32 lanes; measured worst is 1–2 spacings (≤ 0.012), ~4e-7 of int16 full scale.
    expect(worst).toBeLessThan(0.02);
  });

  it('converts to int16 exactly like Math.round plus saturation', () => {
    const rt = runtime();
    const values = [
      0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.49999997, -0.49999997, 32766.5, 32767.5, 40000, -32768.5, -32769,
      -1e9, 1e9, 0, -0, 12.25, -12.75, 7.5, -7.5, 100.5, -100.5,
    ];
    const src = rt.alloc(values.length * 4 + 64);
    const dst = rt.alloc(values.length * 2 * 2 + 64);
    rt.f32.set(values, src >> 2);
    const expected = values.map((v) => Math.max(-32768, Math.min(32767, Math.round(Math.fround(v)))) + 0);
    rt.exports.store(src, 0, values.length, 0, dst);
    expect(Array.from(rt.i16.subarray(dst >> 1, (dst >> 1) + values.length))).toEqual(expected);
    rt.exports.store(src, 0, values.length, 1, dst);
    expect(Array.from(rt.i16.subarray(dst >> 1, (dst >> 1) + 2 * values.length))).toEqual(
      expected.flatMap((v) => [v, v]),
    );
    rt.release(src, values.length * 4 + 64);
    rt.release(dst, values.length * 2 * 2 + 64);
  });
});

describe('wasm streams sharing one Memory', () => {
  it('keep their own state while interleaved, across memory growth', () => {
    const o: ResamplerOptions = { inputRate: 48000, outputRate: 24000, inputChannels: 2, outputChannels: 1 };
    const a = noise(960 * 2 * 20, 1);
    const b = noise(960 * 2 * 20, 2);
    const alone = (x: Int16Array) => createResampler({ ...o, backend: 'wasm-simd' }).push(x);
    const ra = createResampler({ ...o, backend: 'wasm-simd' });
    const rb = createResampler({ ...o, backend: 'wasm-simd' });
    const outA: Int16Array[] = [];
    const outB: Int16Array[] = [];
    const hold = [];
    const rt = runtime();
    const pagesBefore = rt.memory.buffer.byteLength;
    for (let f = 0; f < 20; f++) {
      outA.push(ra.push(a.subarray(f * 1920, (f + 1) * 1920)));
      // Other streams come and go in between, growing the Memory under the first two.
      for (let i = 0; i < 40; i++) {
        const r = createResampler({
          inputRate: 16000,
          outputRate: 48000,
          inputChannels: 1,
          outputChannels: 2,
        });
        r.push(noise(320, i));
        hold.push(r);
      }
      outB.push(rb.push(b.subarray(f * 1920, (f + 1) * 1920)));
    }
    expect(rt.memory.buffer.byteLength).toBeGreaterThan(pagesBefore);
    const cat = (parts: Int16Array[]) => Int16Array.from(parts.flatMap((p) => Array.from(p)));
    expect(cat(outA)).toEqual(alone(a));
    expect(cat(outB)).toEqual(alone(b));
  });

  it('holds only the filter history per stream', () => {
    const r = createResampler({ inputRate: 48000, outputRate: 24000, inputChannels: 2, outputChannels: 1 });
    // 162 taps: 161 floats of history, rounded to 16 bytes.
    expect(r.stateBytes).toBe(656);
    const st = createResampler({ inputRate: 44100, outputRate: 48000, inputChannels: 2, outputChannels: 2 });
    expect(st.stateBytes).toBe(2 * (((designFilter(44100, 48000).tapsPerPhase - 1) * 4 + 15) & ~15));
  });
});
