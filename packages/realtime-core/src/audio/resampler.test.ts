import { describe, expect, it } from 'vitest';
import { resamplerContract } from '../testing/resampler-contract.ts';
import { designFilter } from './kaiser-design.ts';
import { FrameChunker, mixInto } from './pcm.ts';
import { createResampler, downmixToMono, upmixToStereo } from './resampler.ts';
import { wasmSimdAvailable } from './wasm/kernel.ts';

// The same contract for both kernels: the wasm SIMD one (Node 24 always has SIMD, so it is
// asserted below rather than silently falling back) and the portable JS fallback.
resamplerContract('polyphase Kaiser FIR, JS kernel', (o) => createResampler({ ...o, backend: 'js' }));
resamplerContract('polyphase Kaiser FIR, wasm SIMD kernel', (o) =>
  createResampler({ ...o, backend: 'wasm-simd' }),
);

describe('resampler details', () => {
  it('picks the wasm SIMD kernel by default where it runs, and says so', () => {
    expect(wasmSimdAvailable()).toBe(true);
    const o = { inputRate: 48000, outputRate: 24000, inputChannels: 2, outputChannels: 1 } as const;
    expect(createResampler(o).backend).toBe('wasm-simd');
    expect(createResampler({ ...o, backend: 'js' }).backend).toBe('js');
    expect(createResampler({ ...o, outputRate: 48000 }).backend).toBe('passthrough');
  });

  it('shares one coefficient table per rate pair', () => {
    expect(designFilter(48000, 24000)).toBe(designFilter(48000, 24000));
  });

  it('passes equal rates through, converting channels only', () => {
    const r = createResampler({ inputRate: 24000, outputRate: 24000, inputChannels: 1, outputChannels: 2 });
    expect(Array.from(r.push(Int16Array.of(5, -7)))).toEqual([5, 5, -7, -7]);
  });

  it('rejects unsupported rates clearly', () => {
    expect(() =>
      createResampler({ inputRate: 12345, outputRate: 24000, inputChannels: 1, outputChannels: 1 }),
    ).toThrow(/unsupported sample rate 12345/);
  });
});

describe('pcm helpers', () => {
  it('chunks a stream into fixed frames and pads the tail', () => {
    const c = new FrameChunker(4);
    expect(c.push(Int16Array.of(1, 2, 3)).length).toBe(0);
    const frames = c.push(Int16Array.of(4, 5, 6, 7, 8, 9));
    expect(frames.map((f) => Array.from(f))).toEqual([
      [1, 2, 3, 4],
      [5, 6, 7, 8],
    ]);
    expect(Array.from(c.flush() ?? [])).toEqual([9, 0, 0, 0]);
    expect(c.flush()).toBeNull();
  });

  it('mixes with saturation and converts channels', () => {
    const dst = Int16Array.of(30000, -30000, 10);
    mixInto(dst, Int16Array.of(10000, -10000, 5));
    expect(Array.from(dst)).toEqual([32767, -32768, 15]);
    expect(Array.from(downmixToMono(Int16Array.of(100, 200, -4, -6)))).toEqual([150, -5]);
    expect(Array.from(upmixToStereo(Int16Array.of(1, 2)))).toEqual([1, 1, 2, 2]);
  });
});
