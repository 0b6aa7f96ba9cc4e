// The kernel's polyphase FIR (filter), its single-phase form folded on the taps' symmetry
// (filterSym), and the buffer reversal filterSym reads its mirrored samples from.
import { type Func, horizontalStore, I32, op, SIMD, s, V128, whileLoop } from './encoding.ts';

// --- filter: the polyphase FIR over one chunk -------------------------------------------------
// Output n is the dot product of phase `phase`'s taps (at coeffs + phase·phaseBytes, zero-padded
// to a whole number of vectors) with the history window starting at `buf`. After each output
// the position advances by `down` up-sampled units: `stepPhase` = down mod up phases and
// `stepBytes` = ⌊down / up⌋ samples, plus one more sample when the phase wraps past `up`:
// exactly the JS kernel's `idx = ⌊pos / up⌋, phase = pos − idx·up` walk, done incrementally.
// `mainBytes` (a multiple of 64) is covered four vectors at a time into four accumulators, the
// rest of `phaseBytes` one vector at a time.
export function buildFilter(): Func {
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
export function buildReverse(): Func {
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
export function buildFilterSym(): Func {
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
