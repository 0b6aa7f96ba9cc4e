import { describe, expect, it } from 'vitest';
import { fixturePath } from '../fixtures.ts';
import { alignedSnr, sineTone } from './signal.ts';
import { encodeWav, parseWav, readWav, WavFormatError } from './wav.ts';

describe('WAV helpers', () => {
  it('round-trips 16-bit PCM', () => {
    const samples = Int16Array.of(0, 1, -1, 32767, -32768);
    expect(parseWav(encodeWav({ sampleRate: 48_000, channels: 1, samples }))).toEqual({
      sampleRate: 48_000,
      channels: 1,
      samples,
    });
  });
  it('reads the shipped fixtures as 48 kHz mono, 2–4 s', () => {
    for (const name of ['en-alice', 'en-bob', 'zh-mei'] as const) {
      const wav = readWav(fixturePath(name));
      expect([wav.sampleRate, wav.channels]).toEqual([48_000, 1]);
      expect(wav.samples.length / 48_000).toBeGreaterThanOrEqual(2);
      expect(wav.samples.length / 48_000).toBeLessThanOrEqual(4);
    }
  });
  it('rejects non-WAV input with a clear error', () => {
    expect(() => parseWav(new Uint8Array(20))).toThrow(WavFormatError);
  });
  it('alignedSnr finds a known delay', () => {
    const ref = sineTone(300, 200);
    const delayed = new Int16Array(ref.length + 100);
    delayed.set(ref, 100);
    const r = alignedSnr(ref, delayed);
    expect(r.lag).toBe(100);
    expect(r.snrDb).toBe(Number.POSITIVE_INFINITY);
  });
});
