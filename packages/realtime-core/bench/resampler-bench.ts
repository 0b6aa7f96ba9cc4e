import { createRequire } from 'node:module';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createResampler, type ResamplerBackend } from '../src/audio/resampler.ts';
import { kernelRuntime } from '../src/audio/wasm/kernel.ts';
import { type MakeResampler, measureQuality } from '../src/testing/resampler-contract.ts';
import { type Candidate, printTable, speechLike, timeInterleaved } from './harness.ts';
import { type LsrModule, lsrMaker, type SpeexQualityModule, speexResampler } from './quality-adapters.ts';

const require = createRequire(import.meta.url);

const JS_NAME = 'troupe Kaiser FIR (JS)';
const WASM_NAME = 'troupe Kaiser FIR (wasm SIMD)';

interface Pair {
  label: string;
  inRate: number;
  outRate: number;
  inCh: 1 | 2;
  outCh: 1 | 2;
}

const PAIRS: Pair[] = [
  { label: '48k st → 24k mono', inRate: 48000, outRate: 24000, inCh: 2, outCh: 1 },
  { label: '24k mono → 48k st', inRate: 24000, outRate: 48000, inCh: 1, outCh: 2 },
  { label: '48k st → 16k mono', inRate: 48000, outRate: 16000, inCh: 2, outCh: 1 },
  { label: '44.1k st → 48k st', inRate: 44100, outRate: 48000, inCh: 2, outCh: 2 },
];

/** Speex (quality 5) over the wasm heap, fed PCM16 frames like ours; downmix/upmix done in JS. */
function speexCandidate(m: SpeexQualityModule, p: Pair, frame: Int16Array): Candidate {
  const ch = p.inCh === 2 && p.outCh === 2 ? 2 : 1;
  const st = m._speex_resampler_init(ch, p.inRate, p.outRate, 5, 0);
  const frames = p.inRate / 50;
  const inPtr = m._malloc(frames * ch * 2);
  const outPtr = m._malloc(frames * ch * 8);
  const lens = m._malloc(8);
  return {
    name: 'speex q5 wasm-SIMD',
    run() {
      const heap = m.HEAP16;
      const base = inPtr >> 1;
      if (ch === 1 && p.inCh === 2)
        for (let i = 0; i < frames; i++) heap[base + i] = (frame[2 * i]! + frame[2 * i + 1]!) >> 1;
      else heap.set(frame, base);
      m.HEAPU32[lens >> 2] = frames;
      m.HEAPU32[(lens >> 2) + 1] = frames * 4;
      m._speex_resampler_process_interleaved_int(st, inPtr, lens, outPtr, lens + 4);
      const n = m.HEAPU32[(lens >> 2) + 1]!;
      const out = m.HEAP16.slice(outPtr >> 1, (outPtr >> 1) + n * ch);
      if (p.outCh === 2 && ch === 1) {
        const st2 = new Int16Array(n * 2);
        for (let i = 0; i < n; i++) st2[2 * i] = st2[2 * i + 1] = out[i]!;
      }
    },
  };
}

async function libsamplerateCandidate(
  p: Pair,
  frame: Int16Array,
  type: number,
  name: string,
): Promise<Candidate> {
  const lsr = require('@alexanderolsen/libsamplerate-js') as {
    create(
      ch: number,
      i: number,
      o: number,
      opts: { converterType: number },
    ): Promise<{ full(d: Float32Array): Float32Array }>;
  };
  const ch = p.inCh === 2 && p.outCh === 2 ? 2 : 1;
  const src = await lsr.create(ch, p.inRate, p.outRate, { converterType: type });
  const frames = p.inRate / 50;
  const f32 = new Float32Array(frames * ch);
  return {
    name,
    run() {
      if (ch === 1 && p.inCh === 2)
        for (let i = 0; i < frames; i++) f32[i] = (frame[2 * i]! + frame[2 * i + 1]!) / 65536;
      else for (let i = 0; i < f32.length; i++) f32[i] = frame[i]! / 32768;
      const out = src.full(f32);
      const i16 = new Int16Array(out.length * (p.outCh === 2 && ch === 1 ? 2 : 1));
      for (let i = 0; i < out.length; i++)
        i16[i] = Math.max(-32768, Math.min(32767, Math.round(out[i]! * 32768)));
    },
  };
}

/**
 * Measured memory per stream: N instances made and fed one frame each, then the growth of JS
 * heap + ArrayBuffers + the shared wasm Memory after a forced GC, divided by N.
 */
function bytesPerStream(p: Pair, backend: ResamplerBackend, n: number) {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const opts = { inputRate: p.inRate, outputRate: p.outRate, inputChannels: p.inCh, outputChannels: p.outCh };
  const frame = speechLike(p.inRate, 0.02, p.inCh);
  // Warm: coefficient tables and the shared scratch exist before the baseline.
  createResampler({ ...opts, backend }).push(frame);
  const wasmBytes = () => kernelRuntime()?.memory.buffer.byteLength ?? 0;
  const total = () => {
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers + (backend === 'wasm-simd' ? wasmBytes() : 0);
  };
  gc();
  gc();
  const before = total();
  const held = [];
  for (let i = 0; i < n; i++) {
    const r = createResampler({ ...opts, backend });
    r.push(frame);
    held.push(r);
  }
  gc();
  gc();
  const measured = (total() - before) / n;
  const declared = held[0]!.stateBytes;
  held.length = 0;
  return { measured, declared };
}

export async function runResamplerBench(): Promise<void> {
  const speexFactory = (await import('@echogarden/speex-resampler-wasm/simd'))
    .default as () => Promise<SpeexQualityModule>;
  const speex = await speexFactory();
  const rows: (string | number)[][] = [];
  const json: Record<string, Record<string, number>> = {};
  for (const p of PAIRS) {
    const frame = speechLike(p.inRate, 0.02, p.inCh);
    const opts = {
      inputRate: p.inRate,
      outputRate: p.outRate,
      inputChannels: p.inCh,
      outputChannels: p.outCh,
    };
    const oursJs = createResampler({ ...opts, backend: 'js' });
    const oursWasm = createResampler({ ...opts, backend: 'wasm-simd' });
    const candidates: Candidate[] = [
      { name: JS_NAME, run: () => oursJs.push(frame) },
      { name: WASM_NAME, run: () => oursWasm.push(frame) },
      speexCandidate(speex, p, frame),
      await libsamplerateCandidate(p, frame, 2, 'libsamplerate-js FASTEST'),
      await libsamplerateCandidate(p, frame, 1, 'libsamplerate-js MEDIUM'),
    ];
    const times = timeInterleaved(candidates, 400, 9);
    const speexUs = times.get('speex q5 wasm-SIMD')!;
    json[p.label] = Object.fromEntries(times);
    for (const [name, us] of times) rows.push([p.label, name, us, (us / speexUs).toFixed(2)]);
  }
  printTable(
    'Resampler cost per 20 ms frame (interleaved rounds, median of 9)',
    ['pair', 'resampler', 'µs/frame', '× speex'],
    rows,
  );
  console.log(
    JSON.stringify({ bench: 'resampler', metric: 'speed', unit: 'us_per_20ms_frame', results: json }),
  );

  const qrows: (string | number)[][] = [];
  const qjson: Record<string, Record<string, unknown>> = {};
  const lsr = require('@alexanderolsen/libsamplerate-js') as LsrModule;
  for (const p of PAIRS) {
    const opts = {
      inputRate: p.inRate,
      outputRate: p.outRate,
      inputChannels: p.inCh,
      outputChannels: p.outCh,
    };
    const makers: [string, MakeResampler, number | null][] = [
      [JS_NAME, (o) => createResampler({ ...o, backend: 'js' }), createResampler(opts).delay],
      [WASM_NAME, (o) => createResampler({ ...o, backend: 'wasm-simd' }), createResampler(opts).delay],
      ['speex q5 wasm-SIMD', (o) => speexResampler(speex, o), null],
      ['libsamplerate-js FASTEST', await lsrMaker(lsr, opts, 2), null],
      ['libsamplerate-js MEDIUM', await lsrMaker(lsr, opts, 1), null],
    ];
    qjson[p.label] = {};
    for (const [name, make, delay] of makers) {
      const q = measureQuality(make, opts);
      const ripple = Math.max(...q.passband.map((b) => Math.abs(b.gainDb)));
      const spurious = Math.max(...q.passband.map((b) => b.spuriousDb));
      const alias = q.stopband.length ? Math.max(...q.stopband.map((s) => s.aliasDb)) : Number.NaN;
      const delayMs = delay === null ? null : (delay / p.outRate) * 1000;
      qjson[p.label]![name] = {
        maxPassbandDeviationDb: ripple,
        worstSpuriousDb: spurious,
        worstAliasDb: Number.isNaN(alias) ? null : alias,
        delayMs,
      };
      qrows.push([
        p.label,
        name,
        ripple.toFixed(4),
        spurious,
        Number.isNaN(alias) ? 'n/a' : alias,
        delayMs === null ? 'n/a' : delayMs.toFixed(2),
      ]);
    }
  }
  printTable(
    'Resampler quality (int16 out, −1 dBFS tones, 20 ms chunks)',
    [
      'pair',
      'resampler',
      'passband dev dB (≤0.42·fs_low)',
      'worst spurious dB',
      'worst alias dB',
      'delay ms',
    ],
    qrows,
  );
  console.log(JSON.stringify({ bench: 'resampler', metric: 'quality', results: qjson }));

  const mrows: (string | number)[][] = [];
  const mjson: Record<string, Record<string, { measured: number; declared: number }>> = {};
  const n = 4000;
  for (const p of PAIRS) {
    mjson[p.label] = {};
    for (const backend of ['js', 'wasm-simd'] as const) {
      const m = bytesPerStream(p, backend, n);
      mjson[p.label]![backend] = m;
      mrows.push([p.label, backend, String(m.declared), String(Math.round(m.measured))]);
    }
  }
  printTable(
    `Resampler memory per stream (${n} live instances; wasm includes the shared Memory's growth)`,
    ['pair', 'backend', 'state bytes (declared)', 'bytes/stream (measured)'],
    mrows,
  );
  console.log(
    JSON.stringify({ bench: 'resampler', metric: 'bytes_per_stream', instances: n, results: mjson }),
  );
}
