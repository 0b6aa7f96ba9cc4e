// The WebAssembly binary encoding the resampler kernel is written in: LEB128, vectors, sections,
// the opcodes the kernel uses, and two control-flow helpers. No toolchain to download.

export const I32 = 0x7f;
export const V128 = 0x7b;
export type ValType = typeof I32 | typeof V128;

export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

export function sleb(n: number): number[] {
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

export function str(s: string): number[] {
  const b = [...new TextEncoder().encode(s)];
  return [...uleb(b.length), ...b];
}

export function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

export function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

// --- instructions -------------------------------------------------------------------------
export const SIMD = {
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

export const op = {
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
export const s = (code: number) => op.simd(code);

export interface Func {
  name: string;
  params: ValType[];
  locals: ValType[];
  body: number[];
}

/** `while (cond) { body }` as block/loop; `cond` leaves an i32 on the stack. */
export function whileLoop(cond: number[], body: number[]): number[] {
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
export function horizontalStore(a0: number, a1: number, a2: number, a3: number, out: number): number[] {
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
