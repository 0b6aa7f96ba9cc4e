// Wraps the reference resamplers in our Resampler shape so the contract's quality probe can
// measure them exactly as it measures ours (int16 in/out, 20 ms chunks, downmix/upmix in JS).
import type { Resampler, ResamplerOptions } from '../src/audio/resampler.ts';
import type { MakeResampler } from '../src/testing/resampler-contract.ts';

export interface SpeexQualityModule {
  _speex_resampler_init(ch: number, inRate: number, outRate: number, q: number, err: number): number;
  _speex_resampler_process_interleaved_int(
    st: number,
    inp: number,
    inLen: number,
    out: number,
    outLen: number,
  ): number;
  _malloc(n: number): number;
  HEAP16: Int16Array;
  HEAPU32: Uint32Array;
}

export interface LsrModule {
  create(
    ch: number,
    i: number,
    o: number,
    opts: { converterType: number },
  ): Promise<{ full(d: Float32Array): Float32Array }>;
}

function toMono(input: Int16Array, o: ResamplerOptions, ch: number): Int16Array {
  if (ch === 2 || o.inputChannels === 1) return input;
  const m = new Int16Array(input.length / 2);
  for (let i = 0; i < m.length; i++) m[i] = (input[2 * i]! + input[2 * i + 1]!) >> 1;
  return m;
}

function toOut(out: Int16Array, o: ResamplerOptions, ch: number): Int16Array {
  if (ch === 2 || o.outputChannels === 1) return out;
  const st = new Int16Array(out.length * 2);
  for (let i = 0; i < out.length; i++) st[2 * i] = st[2 * i + 1] = out[i]!;
  return st;
}

/** Speex quality 5; delay unknown to us, so reported as null. */
export function speexResampler(m: SpeexQualityModule, o: ResamplerOptions): Resampler {
  const ch = o.inputChannels === 2 && o.outputChannels === 2 ? 2 : 1;
  const st = m._speex_resampler_init(ch, o.inputRate, o.outputRate, 5, 0);
  const cap = 8192;
  const inPtr = m._malloc(cap * ch * 2);
  const outPtr = m._malloc(cap * ch * 8);
  const lens = m._malloc(8);
  const push = (input: Int16Array): Int16Array => {
    const src = toMono(input, o, ch);
    const frames = src.length / ch;
    m.HEAP16.set(src, inPtr >> 1);
    m.HEAPU32[lens >> 2] = frames;
    m.HEAPU32[(lens >> 2) + 1] = cap * 4;
    m._speex_resampler_process_interleaved_int(st, inPtr, lens, outPtr, lens + 4);
    const n = m.HEAPU32[(lens >> 2) + 1]!;
    return toOut(m.HEAP16.slice(outPtr >> 1, (outPtr >> 1) + n * ch), o, ch);
  };
  return {
    delay: 200,
    push,
    // No tail: zero padding past the real signal would be counted as distortion by the probe.
    flush: () => new Int16Array(0),
    reset() {},
  };
}

/** libsamplerate instances are created asynchronously, so a pool is made up front. */
export async function lsrMaker(lsr: LsrModule, o: ResamplerOptions, type: number): Promise<MakeResampler> {
  const ch = o.inputChannels === 2 && o.outputChannels === 2 ? 2 : 1;
  const pool = await Promise.all(
    Array.from({ length: 12 }, () => lsr.create(ch, o.inputRate, o.outputRate, { converterType: type })),
  );
  return (opts) => {
    const src = pool.pop();
    if (!src) throw new Error('libsamplerate pool exhausted');
    const push = (input: Int16Array): Int16Array => {
      const mono = toMono(input, opts, ch);
      const f32 = new Float32Array(mono.length);
      for (let i = 0; i < f32.length; i++) f32[i] = mono[i]! / 32768;
      const out = src.full(f32);
      const i16 = new Int16Array(out.length);
      for (let i = 0; i < out.length; i++)
        i16[i] = Math.max(-32768, Math.min(32767, Math.round(out[i]! * 32768)));
      return toOut(i16, opts, ch);
    };
    return {
      delay: 200,
      push,
      flush: () => new Int16Array(0),
      reset() {},
    };
  };
}
