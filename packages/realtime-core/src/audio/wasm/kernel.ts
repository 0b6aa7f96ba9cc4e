// The WebAssembly SIMD resampler kernel and the one Memory every wasm-backed stream shares.
// Layout of that Memory, all carved by a small 16-byte-aligned allocator:
//   - one coefficient table per FilterSpec (phases zero-padded to whole f32x4 vectors), shared
//     by every stream of that rate pair, never freed (the JS designs are cached forever too);
//   - one scratch area (input staging, per-channel work buffers, outputs), reused by every
//     call: calls are synchronous, so no two streams ever use it at once;
//   - per stream only its filter history, K−1 floats per filtered channel.
import type { FilterSpec } from '../kaiser-design.ts';
import { KERNEL_BASE64 } from './kernel.generated.ts';

export interface KernelExports {
  load(src: number, frames: number, mode: number, dstL: number, dstR: number): void;
  filter(
    buf: number,
    coeffs: number,
    phaseBytes: number,
    mainBytes: number,
    up: number,
    stepBytes: number,
    stepPhase: number,
    phase: number,
    count: number,
    out: number,
  ): void;
  filterSym(
    buf: number,
    rev: number,
    coeffs: number,
    mainBytes: number,
    halfBytes: number,
    stepBytes: number,
    count: number,
    out: number,
  ): void;
  reverse(src: number, n: number, dst: number): void;
  store(srcL: number, srcR: number, count: number, mode: number, dst: number): void;
}

/** The slice of the WebAssembly JS API used here (typed locally: the lib set has no DOM). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  validate(bytes: Uint8Array<ArrayBuffer>): boolean;
  Module: new (bytes: Uint8Array<ArrayBuffer>) => object;
  Instance: new (module: object, imports: object) => { exports: object };
  Memory: new (descriptor: { initial: number }) => WasmMemory;
}

/** The runtime's WebAssembly object, if it has one. */
export function wasmApi(): WasmApi | undefined {
  return (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
}

/** Input frames per kernel call; longer pushes are split (chunking never changes the output). */
export const MAX_CHUNK = 2048;
/** Lanes the kernel may read or write past the end of any buffer (whole-vector loops). */
const SLACK_BYTES = 64;
const PAGE = 65_536;

const align16 = (n: number) => (n + 15) & ~15;

export function kernelBytes(): Uint8Array<ArrayBuffer> {
  const bin = atob(KERNEL_BASE64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

export interface CoefficientTable {
  ptr: number;
  /** Bytes per phase: taps rounded up to whole vectors. */
  phaseBytes: number;
  /** Bytes per phase covered by the four-vector main loop (a multiple of 64). */
  mainBytes: number;
  /** For one phase (up = 1): the first half of its symmetric taps, zero-padded likewise. */
  folded: { ptr: number; halfBytes: number; mainBytes: number } | undefined;
}

export interface Scratch {
  in16: number;
  work: [number, number];
  fout: [number, number];
  /** A reversed copy of one work buffer, for the folded kernel. */
  rev: number;
  out16: number;
  /** Capacity: history samples per channel and outputs per channel per call. */
  hist: number;
  outputs: number;
  bytes: number;
}

/** The kernel instance plus the allocator over its Memory. */
export class KernelRuntime {
  readonly exports: KernelExports;
  readonly memory: WasmMemory;
  f32: Float32Array;
  i16: Int16Array;
  #top = 0;
  readonly #free = new Map<number, number[]>();
  readonly #tables = new WeakMap<FilterSpec, CoefficientTable>();
  #scratch: Scratch | undefined;
  /** Bytes of shared state: coefficient tables and the scratch area. */
  sharedBytes = 0;
  readonly #registry = new FinalizationRegistry<{ ptr: number; bytes: number }>((slot) =>
    this.release(slot.ptr, slot.bytes),
  );

  constructor(api: WasmApi, module: object) {
    this.memory = new api.Memory({ initial: 1 });
    const instance = new api.Instance(module, { env: { memory: this.memory } });
    this.exports = instance.exports as unknown as KernelExports;
    this.f32 = new Float32Array(this.memory.buffer);
    this.i16 = new Int16Array(this.memory.buffer);
    this.#top = 16; // keep 0 as "no pointer"
  }

  /** Allocates `bytes` (16-aligned, zeroed). */
  alloc(bytes: number): number {
    const size = align16(bytes);
    const reuse = this.#free.get(size)?.pop();
    if (reuse !== undefined) {
      this.f32.fill(0, reuse >> 2, (reuse + size) >> 2);
      return reuse;
    }
    const ptr = this.#top;
    const end = ptr + size;
    if (end > this.memory.buffer.byteLength) {
      this.memory.grow(Math.ceil((end - this.memory.buffer.byteLength) / PAGE));
      this.f32 = new Float32Array(this.memory.buffer);
      this.i16 = new Int16Array(this.memory.buffer);
    }
    this.#top = end;
    return ptr;
  }

  release(ptr: number, bytes: number): void {
    const size = align16(bytes);
    const list = this.#free.get(size);
    if (list) list.push(ptr);
    else this.#free.set(size, [ptr]);
  }

  /** Frees `bytes` at `ptr` once `owner` is garbage. */
  releaseWith(owner: object, ptr: number, bytes: number): void {
    this.#registry.register(owner, { ptr, bytes });
  }

  /** The spec's taps in wasm memory, each phase zero-padded to a whole number of vectors. */
  table(spec: FilterSpec): CoefficientTable {
    const hit = this.#tables.get(spec);
    if (hit) return hit;
    const k = spec.tapsPerPhase;
    const k4 = (k + 3) & ~3;
    const bytes = spec.up * k4 * 4;
    const ptr = this.alloc(bytes);
    const f32 = this.f32;
    for (let p = 0; p < spec.up; p++) {
      f32.set(spec.coeffs.subarray(p * k, (p + 1) * k), (ptr >> 2) + p * k4);
    }
    let folded: CoefficientTable['folded'];
    if (spec.up === 1) {
      const half = k >> 1;
      const h4 = (half + 3) & ~3;
      const fptr = this.alloc(h4 * 4);
      this.f32.set(spec.coeffs.subarray(0, half), fptr >> 2);
      folded = { ptr: fptr, halfBytes: h4 * 4, mainBytes: (h4 >> 4) * 64 };
      this.sharedBytes += h4 * 4;
    }
    const table = { ptr, phaseBytes: k4 * 4, mainBytes: (k4 >> 4) * 64, folded };
    this.sharedBytes += align16(bytes);
    this.#tables.set(spec, table);
    return table;
  }

  /** The shared scratch area, grown to hold `hist` history samples and `outputs` per call. */
  scratch(hist: number, outputs: number): Scratch {
    const cur = this.#scratch;
    if (cur && cur.hist >= hist && cur.outputs >= outputs) return cur;
    const h = Math.max(hist, cur?.hist ?? 0);
    const o = Math.max(outputs, cur?.outputs ?? 0);
    if (cur) {
      this.release(cur.in16, cur.bytes);
      this.sharedBytes -= cur.bytes;
    }
    const inBytes = align16(MAX_CHUNK * 2 * 2 + SLACK_BYTES);
    const workBytes = align16((h + MAX_CHUNK) * 4 + SLACK_BYTES);
    const foutBytes = align16(o * 4 + SLACK_BYTES);
    const outBytes = align16(o * 2 * 2 + SLACK_BYTES);
    const bytes = inBytes + 3 * workBytes + 2 * foutBytes + outBytes;
    const base = this.alloc(bytes);
    const work0 = base + inBytes;
    const fout0 = work0 + 2 * workBytes;
    const next: Scratch = {
      in16: base,
      work: [work0, work0 + workBytes],
      fout: [fout0, fout0 + foutBytes],
      out16: fout0 + 2 * foutBytes,
      rev: fout0 + 2 * foutBytes + outBytes,
      hist: h,
      outputs: o,
      bytes,
    };
    this.sharedBytes += bytes;
    this.#scratch = next;
    return next;
  }
}

let runtime: KernelRuntime | null | undefined;

/**
 * The shared kernel runtime, or null where WebAssembly SIMD is unavailable (validated against
 * the kernel's own bytes, so "available" means "this kernel compiles here").
 */
export function kernelRuntime(): KernelRuntime | null {
  if (runtime !== undefined) return runtime;
  runtime = null;
  try {
    const api = wasmApi();
    const bytes = kernelBytes();
    if (api?.validate(bytes)) runtime = new KernelRuntime(api, new api.Module(bytes));
  } catch {
    runtime = null;
  }
  return runtime;
}

/** True when the wasm SIMD kernel can run here. */
export function wasmSimdAvailable(): boolean {
  return kernelRuntime() !== null;
}
