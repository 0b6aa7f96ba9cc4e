import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ListenerTimeline, LiveWavFile } from './live-wav.ts';

const dir = mkdtempSync(join(tmpdir(), 'troupe-livewav-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the listener WAV keeps the silences', () => {
  it('places paced packets back to back and a pause as silence: a 20.7 s scene gives a 20.7 s WAV', () => {
    const rate = 48_000;
    const t = new ListenerTimeline({ sampleRate: rate, channels: 2, startMs: 1000 });
    const packet = new Int16Array(960 * 2);
    let written = 0;
    const feed = (fromMs: number, packets: number, jitter = (n: number) => (n % 3) * 4) => {
      for (let n = 0; n < packets; n++) {
        const r = t.place(1000 + fromMs + n * 20 + jitter(n), packet);
        written += r.silenceFrames + r.pcm.length / 2;
      }
    };
    feed(1500, 150); // a 3 s reply starting at 1.5 s, with a little arrival jitter
    feed(9000, 100); // a 2 s reply at 9 s
    feed(15_000, 115); // 2.3 s at 15 s
    written += t.finish(1000 + 20_700);
    expect(written).toBe(t.frames);
    expect(t.frames / rate).toBeCloseTo(20.7, 2);
    // 7.3 s of speech inside it, each reply starting where it was heard.
    expect((365 * 960) / rate).toBeCloseTo(7.3, 5);
  });

  it('writes a valid WAV as it goes and patches its sizes on close', () => {
    const path = join(dir, 'a.wav');
    const f = new LiveWavFile(path, 48_000, 2);
    f.writeSilence(48_000);
    f.write(new Int16Array([1, 2, 3, 4]));
    expect(readFileSync(path).length).toBe(44 + 48_000 * 4 + 8);
    const ms = f.close();
    expect(ms).toBeCloseTo(1000.04, 1);
    const wav = readFileSync(path);
    expect(wav.readUInt32LE(4)).toBe(36 + 48_000 * 4 + 8);
    expect(wav.readUInt32LE(40)).toBe(48_000 * 4 + 8);
    expect(wav.readInt16LE(44 + 48_000 * 4)).toBe(1);
  });
});
