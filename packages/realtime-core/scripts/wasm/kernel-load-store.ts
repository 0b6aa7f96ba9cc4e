// The kernel's conversions at both ends: int16 interleaved → f32 per channel (load), and f32 →
// int16 with Math.round semantics and saturation (store).
import { type Func, I32, op, SIMD, s, V128, whileLoop } from './encoding.ts';

// --- load: int16 interleaved → f32 ----------------------------------------------------------
export function buildLoad(): Func {
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

// --- store: f32 → int16 ---------------------------------------------------------------------
// Math.round semantics (halves toward +∞) then saturation, bit-identical to the JS path's
// toInt16: nearest() rounds halves to even, so add 1 where x − nearest(x) is exactly +0.5
// (that difference is exact in f32). trunc_sat and narrow_s saturate to int16.
export function buildStore(): Func {
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
