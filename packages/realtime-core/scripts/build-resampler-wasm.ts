// Emits the resampler's WebAssembly SIMD kernel with a tiny hand-written binary encoder (no
// toolchain to download) and writes it as a base64 TS module. Run after editing the kernel:
//   node scripts/build-resampler-wasm.ts
// The test in src/audio/wasm/ rebuilds the bytes and checks the committed module matches.
//
// Exports (all pointers are byte offsets into the imported memory `env.memory`):
//   load(src, frames, mode, dstL, dstR)      int16 interleaved → f32 per channel
//        mode 0 mono, 1 stereo averaged to mono, 2 stereo split into dstL/dstR
//   filter(buf, coeffs, phaseBytes, mainBytes, up, stepBytes, stepPhase, phase, count, out)
//        `count` outputs of the polyphase FIR; see the comment on `filter` below
//   filterSym(buf, rev, coeffs, mainBytes, halfBytes, stepBytes, count, out)
//        the same for one phase (up = 1), folded on the taps' symmetry; `rev` is reverse(buf)
//   reverse(src, n, dst)                     dst[m] = src[n − 1 − m], n a multiple of 4
//   store(srcL, srcR, count, mode, dst)      f32 → int16 (Math.round, saturating)
//        mode 0 mono, 1 mono duplicated to stereo, 2 srcL/srcR interleaved to stereo
// Loads and stores work in whole vectors, so they read and write up to 8 lanes past the end:
// callers leave that much slack after every buffer.
import { writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const I32 = 0x7f;
const V128 = 0x7b;
type ValType = typeof I32 | typeof V128;

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

function str(s: string): number[] {
  const b = [...new TextEncoder().encode(s)];
  return [...uleb(b.length), ...b];
}

function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

// --- instructions -------------------------------------------------------------------------
const SIMD = {
  load: 0x00,
  store: 0x0b,
  const: 0x0c,
  shuffle: 0x0d,
  f32x4Splat: 0x13,
  f32x4ExtractLane: 0x1f,
  f32x4Eq: 0x41,
  and: 0x4e,
  f32x4Nearest: 0x6a,
  i32x4ExtaddPairwiseI16x8S: 0x7e,
  i16x8NarrowI32x4S: 0x85,
  i32x4ExtendLowI16x8S: 0xa7,
  i32x4ExtendHighI16x8S: 0xa8,
  f32x4Add: 0xe4,
  f32x4Sub: 0xe5,
  f32x4Mul: 0xe6,
  i32x4TruncSatF32x4S: 0xf8,
  f32x4ConvertI32x4S: 0xfa,
} as const;

const op = {
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  if: [0x04, 0x40],
  else: [0x05],
  end: [0x0b],
  br: (d: number) => [0x0c, ...uleb(d)],
  brIf: (d: number) => [0x0d, ...uleb(d)],
  get: (i: number) => [0x20, ...uleb(i)],
  set: (i: number) => [0x21, ...uleb(i)],
  tee: (i: number) => [0x22, ...uleb(i)],
  i32: (v: number) => [0x41, ...sleb(v)],
  f32Store: (offset = 0) => [0x38, 2, ...uleb(offset)],
  i32Eqz: [0x45],
  i32Eq: [0x46],
  i32LtS: [0x48],
  i32GeS: [0x4e],
  i32GeU: [0x4f],
  i32Add: [0x6a],
  i32Sub: [0x6b],
  i32Mul: [0x6c],
  f32Add: [0x92],
  simd: (code: number, ...imm: number[]) => [0xfd, ...uleb(code), ...imm],
  /** v128.load; align is log2 of the promised alignment (a hint). */
  vload: (offset = 0, align = 0) => [0xfd, ...uleb(SIMD.load), align, ...uleb(offset)],
  vstore: (offset = 0, align = 0) => [0xfd, ...uleb(SIMD.store), align, ...uleb(offset)],
  f32x4: (v: number) => {
    const b = new Uint8Array(16);
    const dv = new DataView(b.buffer);
    for (let i = 0; i < 4; i++) dv.setFloat32(i * 4, v, true);
    return [0xfd, ...uleb(SIMD.const), ...b];
  },
  /** i8x16.shuffle picking 32-bit lanes (0–3 from the first operand, 4–7 from the second). */
  shuffle32: (lanes: [number, number, number, number]) => [
    0xfd,
    ...uleb(SIMD.shuffle),
    ...lanes.flatMap((l) => [4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3]),
  ],
};
const s = (code: number) => op.simd(code);

interface Func {
  name: string;
  params: ValType[];
  locals: ValType[];
  body: number[];
}

/** `while (cond) { body }` as block/loop; `cond` leaves an i32 on the stack. */
function whileLoop(cond: number[], body: number[]): number[] {
  return [
    ...op.block,
    ...op.loop,
    ...cond,
    ...op.i32Eqz,
    ...op.brIf(1),
    ...body,
    ...op.br(0),
    ...op.end,
    ...op.end,
  ];
}

/** out[0] = Σ lanes of (a0 + a1) + (a2 + a3); out += 4. Clobbers a0. */
function horizontalStore(a0: number, a1: number, a2: number, a3: number, out: number): number[] {
  const add = (x: number, y: number) => [...op.get(x), ...op.get(y), ...s(SIMD.f32x4Add)];
  return [
    ...add(a0, a1),
    ...add(a2, a3),
    ...s(SIMD.f32x4Add),
    ...op.tee(a0),
    ...op.get(a0),
    ...op.get(a0),
    ...op.shuffle32([2, 3, 2, 3]),
    ...s(SIMD.f32x4Add),
    ...op.tee(a0),
    ...op.get(a0),
    ...op.get(a0),
    ...op.shuffle32([1, 1, 1, 1]),
    ...s(SIMD.f32x4Add),
    ...op.set(a0),
    ...op.get(out),
    ...op.get(a0),
    ...op.simd(SIMD.f32x4ExtractLane, 0),
    ...op.f32Store(),
    ...op.get(out),
    ...op.i32(4),
    ...op.i32Add,
    ...op.set(out),
  ];
}

// --- load: int16 interleaved → f32 ----------------------------------------------------------
function buildLoad(): Func {
  const [src, frames, mode, dstL, dstR, i] = [0, 1, 2, 3, 4, 5];
  const next = (srcBytes: number, dstBytes: number, framesStep: number, both = false) => [
    ...op.get(src),
    ...op.i32(srcBytes),
    ...op.i32Add,
    ...op.set(src),
    ...op.get(dstL),
    ...op.i32(dstBytes),
    ...op.i32Add,
    ...op.set(dstL),
    ...(both ? [...op.get(dstR), ...op.i32(dstBytes), ...op.i32Add, ...op.set(dstR)] : []),
    ...op.get(i),
    ...op.i32(framesStep),
    ...op.i32Add,
    ...op.set(i),
  ];
  const more = [...op.get(i), ...op.get(frames), ...op.i32LtS];
  // mono: 8 samples per step
  const mono = whileLoop(more, [
    ...op.get(dstL),
    ...op.get(src),
    ...op.vload(),
    ...s(SIMD.i32x4ExtendLowI16x8S),
    ...s(SIMD.f32x4ConvertI32x4S),
    ...op.vstore(),
    ...op.get(dstL),
    ...op.get(src),
    ...op.vload(),
    ...s(SIMD.i32x4ExtendHighI16x8S),
    ...s(SIMD.f32x4ConvertI32x4S),
    ...op.vstore(16),
    ...next(16, 32, 8),
  ]);
  // stereo → mono: (L + R) · 0.5, exact in f32 like the JS path; 8 frames per step
  const half = (offset: number) => [
    ...op.get(dstL),
    ...op.get(src),
    ...op.vload(offset),
    ...s(SIMD.i32x4ExtaddPairwiseI16x8S),
    ...s(SIMD.f32x4ConvertI32x4S),
    ...op.f32x4(0.5),
    ...s(SIMD.f32x4Mul),
    ...op.vstore(offset),
  ];
  const downmix = whileLoop(more, [...half(0), ...half(16), ...next(32, 32, 8)]);
  // stereo split: 4 frames per step
  const split = whileLoop(more, [
    ...op.get(dstL),
    ...op.get(src),
    ...op.vload(),
    ...s(SIMD.i32x4ExtendLowI16x8S),
    ...op.get(src),
    ...op.vload(),
    ...s(SIMD.i32x4ExtendHighI16x8S),
    ...op.shuffle32([0, 2, 4, 6]),
    ...s(SIMD.f32x4ConvertI32x4S),
    ...op.vstore(),
    ...op.get(dstR),
    ...op.get(src),
    ...op.vload(),
    ...s(SIMD.i32x4ExtendLowI16x8S),
    ...op.get(src),
    ...op.vload(),
    ...s(SIMD.i32x4ExtendHighI16x8S),
    ...op.shuffle32([1, 3, 5, 7]),
    ...s(SIMD.f32x4ConvertI32x4S),
    ...op.vstore(),
    ...next(16, 16, 4, true),
  ]);
  const body = [
    ...op.get(mode),
    ...op.i32Eqz,
    ...op.if,
    ...mono,
    ...op.else,
    ...op.get(mode),
    ...op.i32(1),
    ...op.i32Eq,
    ...op.if,
    ...downmix,
    ...op.else,
    ...split,
    ...op.end,
    ...op.end,
  ];
  return { name: 'load', params: [I32, I32, I32, I32, I32], locals: [I32], body };
}

// --- filter: the polyphase FIR over one chunk -------------------------------------------------
// Output n is the dot product of phase `phase`'s taps (at coeffs + phase·phaseBytes, zero-padded
// to a whole number of vectors) with the history window starting at `buf`. After each output
// the position advances by `down` up-sampled units: `stepPhase` = down mod up phases and
// `stepBytes` = ⌊down / up⌋ samples, plus one more sample when the phase wraps past `up`:
// exactly the JS kernel's `idx = ⌊pos / up⌋, phase = pos − idx·up` walk, done incrementally.
// `mainBytes` (a multiple of 64) is covered four vectors at a time into four accumulators, the
// rest of `phaseBytes` one vector at a time.
function buildFilter(): Func {
  const [buf, coeffs, phaseBytes, mainBytes, up, stepBytes, stepPhase, phase, count, out] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
  ];
  const [cp, bp, mainEnd, end, a0, a1, a2, a3] = [10, 11, 12, 13, 14, 15, 16, 17];
  const mac = (acc: number, offset: number) => [
    ...op.get(acc),
    ...op.get(cp),
    ...op.vload(offset, 4),
    ...op.get(bp),
    ...op.vload(offset),
    ...s(SIMD.f32x4Mul),
    ...s(SIMD.f32x4Add),
    ...op.set(acc),
  ];
  const zero = (acc: number) => [...op.f32x4(0), ...op.set(acc)];
  const advance = (bytes: number) => [
    ...op.get(cp),
    ...op.i32(bytes),
    ...op.i32Add,
    ...op.set(cp),
    ...op.get(bp),
    ...op.i32(bytes),
    ...op.i32Add,
    ...op.set(bp),
  ];
  const perOutput = [
    // cp = coeffs + phase·phaseBytes; bp = buf
    ...op.get(coeffs),
    ...op.get(phase),
    ...op.get(phaseBytes),
    ...op.i32Mul,
    ...op.i32Add,
    ...op.tee(cp),
    ...op.get(mainBytes),
    ...op.i32Add,
    ...op.set(mainEnd),
    ...op.get(cp),
    ...op.get(phaseBytes),
    ...op.i32Add,
    ...op.set(end),
    ...op.get(buf),
    ...op.set(bp),
    ...zero(a0),
    ...zero(a1),
    ...zero(a2),
    ...zero(a3),
    ...whileLoop(
      [...op.get(cp), ...op.get(mainEnd), ...op.i32LtS],
      [...mac(a0, 0), ...mac(a1, 16), ...mac(a2, 32), ...mac(a3, 48), ...advance(64)],
    ),
    ...whileLoop([...op.get(cp), ...op.get(end), ...op.i32LtS], [...mac(a0, 0), ...advance(16)]),
    ...horizontalStore(a0, a1, a2, a3, out),
    // step: phase += stepPhase, buf += stepBytes, wrapping the phase into the next sample
    ...op.get(buf),
    ...op.get(stepBytes),
    ...op.i32Add,
    ...op.set(buf),
    ...op.get(phase),
    ...op.get(stepPhase),
    ...op.i32Add,
    ...op.tee(phase),
    ...op.get(up),
    ...op.i32GeS,
    ...op.if,
    ...op.get(phase),
    ...op.get(up),
    ...op.i32Sub,
    ...op.set(phase),
    ...op.get(buf),
    ...op.i32(4),
    ...op.i32Add,
    ...op.set(buf),
    ...op.end,
    ...op.get(count),
    ...op.i32(1),
    ...op.i32Sub,
    ...op.set(count),
  ];
  return {
    name: 'filter',
    params: [I32, I32, I32, I32, I32, I32, I32, I32, I32, I32],
    locals: [I32, I32, I32, I32, V128, V128, V128, V128],
    body: whileLoop([...op.i32(0), ...op.get(count), ...op.i32LtS], perOutput),
  };
}

// --- reverse: dst[m] = src[n − 1 − m] for a whole number of vectors -------------------------
function buildReverse(): Func {
  const [src, n, dst, sp, end] = [0, 1, 2, 3, 4];
  const body = [
    ...op.get(src),
    ...op.get(n),
    ...op.i32(4),
    ...op.i32Mul,
    ...op.i32Add,
    ...op.i32(16),
    ...op.i32Sub,
    ...op.set(sp),
    ...op.get(dst),
    ...op.get(n),
    ...op.i32(4),
    ...op.i32Mul,
    ...op.i32Add,
    ...op.set(end),
    ...whileLoop(
      [...op.get(dst), ...op.get(end), ...op.i32LtS],
      [
        ...op.get(dst),
        ...op.get(sp),
        ...op.vload(),
        ...op.get(sp),
        ...op.vload(),
        ...op.shuffle32([3, 2, 1, 0]),
        ...op.vstore(),
        ...op.get(dst),
        ...op.i32(16),
        ...op.i32Add,
        ...op.set(dst),
        ...op.get(sp),
        ...op.i32(16),
        ...op.i32Sub,
        ...op.set(sp),
      ],
    ),
  ];
  return { name: 'reverse', params: [I32, I32, I32], locals: [I32, I32], body };
}

// --- filterSym: the single-phase (up = 1) FIR folded on its symmetry -------------------------
// A single phase of a linear-phase filter is symmetric, so output = Σ c[j]·(x[s+j] + x[s+K−1−j])
// over half the taps, as the JS kernel does. The mirrored samples come from `rev`, a reversed
// copy of the window buffer, so both operands are plain forward vector loads (no shuffles).
// Each output moves `buf` forward and `rev` back by `stepBytes`.
function buildFilterSym(): Func {
  const [buf, rev, coeffs, mainBytes, halfBytes, stepBytes, count, out] = [0, 1, 2, 3, 4, 5, 6, 7];
  const [cp, fp, rp, mainEnd, end, a0, a1, a2, a3] = [8, 9, 10, 11, 12, 13, 14, 15, 16];
  const mac = (acc: number, offset: number) => [
    ...op.get(acc),
    ...op.get(cp),
    ...op.vload(offset, 4),
    ...op.get(fp),
    ...op.vload(offset),
    ...op.get(rp),
    ...op.vload(offset),
    ...s(SIMD.f32x4Add),
    ...s(SIMD.f32x4Mul),
    ...s(SIMD.f32x4Add),
    ...op.set(acc),
  ];
  const advance = (bytes: number) =>
    [cp, fp, rp].flatMap((l) => [...op.get(l), ...op.i32(bytes), ...op.i32Add, ...op.set(l)]);
  const perOutput = [
    ...op.get(coeffs),
    ...op.tee(cp),
    ...op.get(mainBytes),
    ...op.i32Add,
    ...op.set(mainEnd),
    ...op.get(coeffs),
    ...op.get(halfBytes),
    ...op.i32Add,
    ...op.set(end),
    ...op.get(buf),
    ...op.set(fp),
    ...op.get(rev),
    ...op.set(rp),
    ...[a0, a1, a2, a3].flatMap((a) => [...op.f32x4(0), ...op.set(a)]),
    ...whileLoop(
      [...op.get(cp), ...op.get(mainEnd), ...op.i32LtS],
      [...mac(a0, 0), ...mac(a1, 16), ...mac(a2, 32), ...mac(a3, 48), ...advance(64)],
    ),
    ...whileLoop([...op.get(cp), ...op.get(end), ...op.i32LtS], [...mac(a0, 0), ...advance(16)]),
    ...horizontalStore(a0, a1, a2, a3, out),
    ...op.get(buf),
    ...op.get(stepBytes),
    ...op.i32Add,
    ...op.set(buf),
    ...op.get(rev),
    ...op.get(stepBytes),
    ...op.i32Sub,
    ...op.set(rev),
    ...op.get(count),
    ...op.i32(1),
    ...op.i32Sub,
    ...op.set(count),
  ];
  return {
    name: 'filterSym',
    params: [I32, I32, I32, I32, I32, I32, I32, I32],
    locals: [I32, I32, I32, I32, I32, V128, V128, V128, V128],
    body: whileLoop([...op.i32(0), ...op.get(count), ...op.i32LtS], perOutput),
  };
}

// --- store: f32 → int16 ---------------------------------------------------------------------
// Math.round semantics (halves toward +∞) then saturation, bit-identical to the JS path's
// toInt16: nearest() rounds halves to even, so add 1 where x − nearest(x) is exactly +0.5
// (that difference is exact in f32). trunc_sat and narrow_s saturate to int16.
function buildStore(): Func {
  const [srcL, srcR, count, mode, dst, i, halfV, oneV] = [0, 1, 2, 3, 4, 5, 6, 7];
  const rounded = (ptr: number, offset = 0) => {
    const x = 8; // scratch v128 local
    const r = 9;
    return [
      ...op.get(ptr),
      ...op.vload(offset),
      ...op.tee(x),
      ...s(SIMD.f32x4Nearest),
      ...op.tee(r),
      ...op.get(x),
      ...op.get(r),
      ...s(SIMD.f32x4Sub),
      ...op.get(halfV),
      ...s(SIMD.f32x4Eq),
      ...op.get(oneV),
      ...s(SIMD.and),
      ...s(SIMD.f32x4Add),
      ...s(SIMD.i32x4TruncSatF32x4S),
    ];
  };
  const bump = (local: number, bytes: number) => [
    ...op.get(local),
    ...op.i32(bytes),
    ...op.i32Add,
    ...op.set(local),
  ];
  const more = [...op.get(i), ...op.get(count), ...op.i32LtS];
  const mono = whileLoop(more, [
    ...op.get(dst),
    ...rounded(srcL),
    ...rounded(srcL, 16),
    ...s(SIMD.i16x8NarrowI32x4S),
    ...op.vstore(),
    ...bump(srcL, 32),
    ...bump(dst, 16),
    ...bump(i, 8),
  ]);
  const v = 10;
  const dup = whileLoop(more, [
    ...op.get(dst),
    ...rounded(srcL),
    ...op.tee(v),
    ...op.get(v),
    ...op.shuffle32([0, 0, 1, 1]),
    ...op.get(v),
    ...op.get(v),
    ...op.shuffle32([2, 2, 3, 3]),
    ...s(SIMD.i16x8NarrowI32x4S),
    ...op.vstore(),
    ...bump(srcL, 16),
    ...bump(dst, 16),
    ...bump(i, 4),
  ]);
  const w = 11;
  const interleave = whileLoop(more, [
    ...op.get(dst),
    ...rounded(srcL),
    ...op.set(v),
    ...rounded(srcR),
    ...op.set(w),
    ...op.get(v),
    ...op.get(w),
    ...op.shuffle32([0, 4, 1, 5]),
    ...op.get(v),
    ...op.get(w),
    ...op.shuffle32([2, 6, 3, 7]),
    ...s(SIMD.i16x8NarrowI32x4S),
    ...op.vstore(),
    ...bump(srcL, 16),
    ...bump(srcR, 16),
    ...bump(dst, 16),
    ...bump(i, 4),
  ]);
  const body = [
    ...op.f32x4(0.5),
    ...op.set(halfV),
    ...op.f32x4(1),
    ...op.set(oneV),
    ...op.get(mode),
    ...op.i32Eqz,
    ...op.if,
    ...mono,
    ...op.else,
    ...op.get(mode),
    ...op.i32(1),
    ...op.i32Eq,
    ...op.if,
    ...dup,
    ...op.else,
    ...interleave,
    ...op.end,
    ...op.end,
  ];
  return {
    name: 'store',
    params: [I32, I32, I32, I32, I32],
    locals: [I32, V128, V128, V128, V128, V128, V128],
    body,
  };
}

// --- module ---------------------------------------------------------------------------------
function encodeLocals(locals: ValType[]): number[] {
  const runs: [number, ValType][] = [];
  for (const t of locals) {
    const last = runs[runs.length - 1];
    if (last && last[1] === t) last[0]++;
    else runs.push([1, t]);
  }
  return vec(runs.map(([n, t]) => [...uleb(n), t]));
}

/** The kernel's bytes. Deterministic: same source, same bytes. */
export function buildResamplerKernel(): Uint8Array {
  const funcs = [buildLoad(), buildFilter(), buildFilterSym(), buildReverse(), buildStore()];
  const types = section(1, vec(funcs.map((f) => [0x60, ...vec(f.params.map((p) => [p])), ...vec([])])));
  // (import "env" "memory" (memory 1))
  const imports = section(2, vec([[...str('env'), ...str('memory'), 0x02, 0x00, ...uleb(1)]]));
  const functions = section(3, vec(funcs.map((_, i) => uleb(i))));
  const exports = section(7, vec(funcs.map((f, i) => [...str(f.name), 0x00, ...uleb(i)])));
  const code = section(
    10,
    vec(
      funcs.map((f) => {
        const body = [...encodeLocals(f.locals), ...f.body, ...op.end];
        return [...uleb(body.length), ...body];
      }),
    ),
  );
  const magic = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  return Uint8Array.from([...magic, ...types, ...imports, ...functions, ...exports, ...code]);
}

/** The committed TS module holding the kernel. */
export function renderKernelModule(bytes: Uint8Array): string {
  return [
    '// Generated by scripts/build-resampler-wasm.ts; do not edit. Regenerate with',
    '//   node scripts/build-resampler-wasm.ts',
    `export const KERNEL_BASE64 =\n  '${Buffer.from(bytes).toString('base64')}';`,
    '',
  ].join('\n');
}

export const GENERATED_PATH = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../src/audio/wasm/kernel.generated.ts',
);

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const bytes = buildResamplerKernel();
  writeFileSync(GENERATED_PATH, renderKernelModule(bytes));
  console.log(`wrote ${GENERATED_PATH} (${bytes.length} bytes of wasm)`);
}
