// The resampler's wasm SIMD backend: int16 in → int16 out, every loop in the kernel. State per
// stream is the exact output position (JS number) and K−1 history floats per channel in the
// shared Memory; the position walk is the JS kernel's, so chunking never changes the output.
import type { FilterSpec } from '../kaiser-design.ts';
import { type CoefficientTable, type KernelRuntime, MAX_CHUNK } from './kernel.ts';

export interface ResamplerCore {
  /** Resamples `frames` whole frames of interleaved input. */
  push(input: Int16Array, frames: number): Int16Array;
  reset(): void;
  /** Bytes of state this stream owns (tables and scratch shared across streams excluded). */
  readonly stateBytes: number;
}

export function createWasmCore(
  rt: KernelRuntime,
  spec: FilterSpec,
  inputChannels: 1 | 2,
  outputChannels: 1 | 2,
): ResamplerCore {
  const { up, down, tapsPerPhase: k } = spec;
  const hist = k - 1;
  const filtered = inputChannels === 2 && outputChannels === 2 ? 2 : 1;
  const loadMode = inputChannels === 1 ? 0 : filtered === 1 ? 1 : 2;
  const storeMode = filtered === 2 ? 2 : outputChannels === 2 ? 1 : 0;
  const table = rt.table(spec);
  const maxOutputs = Math.ceil((MAX_CHUNK * up) / down) + 1;
  const histBytes = (hist * 4 + 15) & ~15;
  const stateBytes = histBytes * filtered;
  const slot = rt.alloc(stateBytes);
  const wasm = rt.exports;
  let pos = hist * up;

  const core: ResamplerCore = {
    stateBytes,
    push(input, frames) {
      const total = outputs(pos, frames);
      if (total === 0 && frames === 0) return new Int16Array(0);
      const sc = rt.scratch(hist, maxOutputs);
      const single = frames <= MAX_CHUNK;
      const out = single ? undefined : new Int16Array(total * outputChannels);
      let written = 0;
      let result: Int16Array | undefined;
      for (let at = 0; at < frames; at += MAX_CHUNK) {
        const n = Math.min(MAX_CHUNK, frames - at);
        const f32 = rt.f32;
        const i16 = rt.i16;
        i16.set(input.subarray(at * inputChannels, (at + n) * inputChannels), sc.in16 >> 1);
        for (let c = 0; c < filtered; c++) {
          const h = (slot + c * histBytes) >> 2;
          f32.copyWithin(sc.work[c]! >> 2, h, h + hist);
        }
        wasm.load(sc.in16, n, loadMode, sc.work[0] + hist * 4, sc.work[1] + hist * 4);
        const limit = (hist + n) * up;
        const count = pos < limit ? Math.ceil((limit - pos) / down) : 0;
        if (count > 0) {
          for (let c = 0; c < filtered; c++) {
            filterChunk(rt, spec, table, sc.work[c]!, sc.rev, n, pos, count, sc.fout[c]!);
          }
          wasm.store(sc.fout[0], sc.fout[1], count, storeMode, sc.out16);
          const from = sc.out16 >> 1;
          if (single) result = i16.slice(from, from + count * outputChannels);
          else out!.set(i16.subarray(from, from + count * outputChannels), written);
          written += count * outputChannels;
        }
        pos += count * down - n * up;
        for (let c = 0; c < filtered; c++) {
          const w = (sc.work[c]! >> 2) + n;
          f32.copyWithin((slot + c * histBytes) >> 2, w, w + hist);
        }
      }
      return out ?? result ?? new Int16Array(0);
    },
    reset() {
      rt.f32.fill(0, slot >> 2, (slot + stateBytes) >> 2);
      pos = hist * up;
    },
  };
  rt.releaseWith(core, slot, stateBytes);
  return core;

  function outputs(from: number, frames: number): number {
    const limit = (hist + frames) * up;
    return from < limit ? Math.ceil((limit - from) / down) : 0;
  }
}

/**
 * Runs the FIR for `count` outputs over one channel's work buffer (K−1 history samples then
 * `n` new ones) from position `pos`, into `fout`. `rev` is room for a reversed copy of the
 * work buffer, used when the filter has one phase and is folded on its symmetry.
 */
export function filterChunk(
  rt: KernelRuntime,
  spec: FilterSpec,
  table: CoefficientTable,
  work: number,
  rev: number,
  n: number,
  pos: number,
  count: number,
  fout: number,
): void {
  const { up, down, tapsPerPhase: k } = spec;
  const hist = k - 1;
  const idx = Math.floor(pos / up);
  const start = idx - hist;
  const folded = table.folded;
  if (folded) {
    // rev[m] = work[n4 − 1 − m], so the mirror of work[start + K − 1 − j] is rev[n4 − start − K + j].
    const n4 = (hist + n + 3) & ~3;
    rt.exports.reverse(work, n4, rev);
    rt.exports.filterSym(
      work + start * 4,
      rev + (n4 - start - k) * 4,
      folded.ptr,
      folded.mainBytes,
      folded.halfBytes,
      down * 4,
      count,
      fout,
    );
  } else {
    rt.exports.filter(
      work + start * 4,
      table.ptr,
      table.phaseBytes,
      table.mainBytes,
      up,
      Math.floor(down / up) * 4,
      down % up,
      pos - idx * up,
      count,
      fout,
    );
  }
}
