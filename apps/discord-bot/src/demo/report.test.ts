import { describe, expect, it } from 'vitest';
import { formatLatencyTable, formatTranscript } from './report.ts';
import { encodeWav, rmsDbfs } from './wav.ts';

describe('demo output', () => {
  it('formats the transcript and latency table', () => {
    const t = formatTranscript([{ atMs: 1500, who: 'Alice', text: 'Ahoy', kind: 'user' }]);
    expect(t).toBe('  1.5s 🗣 Alice              Ahoy');
    const table = formatLatencyTable([{ speaker: 'Alice', commitToFirstAudioMs: 312.4, totalMs: 700 }]);
    expect(table.split('\n')).toHaveLength(3);
    expect(table).toMatch(/Alice.*–.*312.*–.*700/);
    expect(formatLatencyTable([])).toContain('no turns');
  });

  it('writes a valid WAV header and measures level', () => {
    const pcm = new Int16Array(480).fill(16384);
    const wav = encodeWav(pcm, 48_000);
    const v = new DataView(wav.buffer);
    expect(new TextDecoder().decode(wav.subarray(0, 4))).toBe('RIFF');
    expect(v.getUint32(24, true)).toBe(48_000);
    expect(v.getUint32(40, true)).toBe(960);
    expect(rmsDbfs(pcm)).toBeCloseTo(-6.02, 1);
    expect(rmsDbfs(new Int16Array(0))).toBe(Number.NEGATIVE_INFINITY);
  });
});
