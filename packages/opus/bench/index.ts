// Opus cost per 20 ms frame and memory per instance, native vs wasm (@evan/opus 1.0.3).
// Run: pnpm --filter @troupe/opus bench   (or: node --expose-gc bench/index.ts)
// Interleaved rounds, median per case; one JSON line at the end for machines.
import { createRequire } from 'node:module';
import type { EvanOpusModule } from '../src/backend.ts';

const require = createRequire(import.meta.url);
const backends: Record<'native' | 'wasm', EvanOpusModule> = {
  native: require('@evan/opus/node/index.js') as EvanOpusModule,
  wasm: require('@evan/opus/wasm/index.js') as EvanOpusModule,
};

// Speech-like input: a gliding harmonic tone with amplitude modulation, mono duplicated to stereo.
function speechLike(frames: number): Int16Array {
  const out = new Int16Array(frames * 960 * 2);
  let phase = 0;
  for (let i = 0; i < frames * 960; i++) {
    const f0 = 140 + 40 * Math.sin((2 * Math.PI * i) / 48000);
    phase += (2 * Math.PI * f0) / 48000;
    const env = 0.5 + 0.5 * Math.sin((2 * Math.PI * 4 * i) / 48000);
    let v = 0;
    for (let h = 1; h <= 8; h++) v += Math.sin(h * phase) / h;
    const s = Math.round(6000 * env * v);
    out[2 * i] = s;
    out[2 * i + 1] = s;
  }
  return out;
}

const FRAMES = 250;
const ROUNDS = 7;
const pcm = speechLike(FRAMES);
const frame = (f: number): Int16Array => pcm.subarray(f * 1920, (f + 1) * 1920);

function encodeAll(m: EvanOpusModule, complexity: number): Uint8Array[] {
  const enc = new m.Encoder({ channels: 2, sample_rate: 48000, application: 'audio' });
  enc.ctl(4002, 64000); // OPUS_SET_BITRATE
  enc.ctl(4010, complexity); // OPUS_SET_COMPLEXITY
  return Array.from({ length: FRAMES }, (_, f) => enc.encode(frame(f)));
}
const packets = encodeAll(backends.native, 10);

type Case = { name: string; run: () => void };
const cases: Case[] = [];
for (const kind of ['native', 'wasm'] as const) {
  const m = backends[kind];
  cases.push({
    name: `${kind} decode 48k stereo`,
    run: () => {
      const d = new m.Decoder({ channels: 2, sample_rate: 48000 });
      for (const p of packets) d.decode(p);
    },
  });
  cases.push({
    name: `${kind} decode 24k mono`,
    run: () => {
      const d = new m.Decoder({ channels: 1, sample_rate: 24000 });
      for (const p of packets) d.decode(p);
    },
  });
  for (const cx of [10, 5]) {
    cases.push({ name: `${kind} encode 48k stereo cx${cx}`, run: () => encodeAll(m, cx) });
  }
}

const samples = new Map<string, number[]>(cases.map((c) => [c.name, []]));
for (const c of cases) c.run(); // warm-up (JIT, wasm tier-up)
for (let r = 0; r < ROUNDS; r++) {
  for (const c of cases) {
    const t0 = process.hrtime.bigint();
    c.run();
    samples.get(c.name)?.push(Number(process.hrtime.bigint() - t0) / 1000 / FRAMES);
  }
}
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1] ?? Number.NaN;
};

const gc = (globalThis as { gc?: () => void }).gc;
function settle(): number {
  for (let i = 0; i < 3; i++) gc?.();
  return process.memoryUsage().rss;
}
function rssPerInstance(make: () => unknown, n = 1000): number {
  const before = settle();
  const keep = Array.from({ length: n }, make);
  const after = settle();
  keep.length = 0;
  return (after - before) / n / 1024;
}

const memory: Record<string, number> = {};
for (const kind of ['native', 'wasm'] as const) {
  const m = backends[kind];
  memory[`${kind} decoder 48k stereo`] = rssPerInstance(
    () => new m.Decoder({ channels: 2, sample_rate: 48000 }),
  );
  memory[`${kind} decoder 24k mono`] = rssPerInstance(
    () => new m.Decoder({ channels: 1, sample_rate: 24000 }),
  );
  memory[`${kind} encoder 48k stereo`] = rssPerInstance(
    () => new m.Encoder({ channels: 2, sample_rate: 48000, application: 'audio' }),
  );
}

const timing: Record<string, number> = {};
console.log(`@evan/opus 1.0.3, Node ${process.version}, ${FRAMES} frames x ${ROUNDS} rounds (median)`);
console.log('case'.padEnd(34), 'us/frame'.padStart(9), 'streams/core'.padStart(13));
for (const c of cases) {
  const us = median(samples.get(c.name) ?? []);
  timing[c.name] = Number(us.toFixed(2));
  console.log(
    c.name.padEnd(34),
    us.toFixed(1).padStart(9),
    Math.floor(20000 / us)
      .toString()
      .padStart(13),
  );
}
console.log(`\nRSS per instance (N=1000${gc ? ', after gc' : ', no --expose-gc: noisy'})`);
for (const [k, kb] of Object.entries(memory)) {
  memory[k] = Number(kb.toFixed(1));
  console.log(k.padEnd(34), `${kb.toFixed(1)} KB`.padStart(11));
}
console.log(
  JSON.stringify({
    bench: 'opus',
    node: process.version,
    frames: FRAMES,
    rounds: ROUNDS,
    usPerFrame: timing,
    rssKbPerInstance: memory,
  }),
);
