import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { bestLagSnr, checkOpusBackend, createOpusDecoder, createOpusEncoder, opusBackend } from './index.ts';

function tone(samplesPerChannel: number, channels: 1 | 2, rate: number, hz = 440): Int16Array {
  const out = new Int16Array(samplesPerChannel * channels);
  for (let i = 0; i < samplesPerChannel; i++) {
    const v = Math.round(9000 * Math.sin((2 * Math.PI * hz * i) / rate));
    for (let c = 0; c < channels; c++) out[i * channels + c] = v;
  }
  return out;
}

function roundTrip(
  decodeRate: 48000 | 24000,
  decodeChannels: 1 | 2,
): { source: Int16Array; decoded: Int16Array } {
  const enc = createOpusEncoder({ sampleRate: 48000, channels: 2 });
  const dec = createOpusDecoder({ sampleRate: decodeRate, channels: decodeChannels });
  const frames = 25;
  const source48 = tone(960 * frames, 2, 48000);
  const parts: Int16Array[] = [];
  for (let f = 0; f < frames; f++) {
    const pcm = dec.decode(enc.encode(source48.subarray(f * 1920, (f + 1) * 1920)));
    expect(pcm).not.toBeNull();
    parts.push(pcm!);
  }
  const decoded = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    decoded.set(p, at);
    at += p.length;
  }
  return { source: tone((decodeRate / 50) * frames, decodeChannels, decodeRate), decoded };
}

describe('@troupe/opus', () => {
  it('reports a native backend and passes its self-test', () => {
    // x64-linux ships a prebuilt addon, so native is expected unless wasm is forced.
    const kind = process.env.OPUS_FORCE_WASM ? 'wasm' : 'native';
    expect(opusBackend()).toMatchObject({ library: '@evan/opus', kind, version: '1.0.3' });
    expect(checkOpusBackend().snrDb).toBeGreaterThan(30);
  });

  it('round-trips 48 kHz stereo at >= 30 dB SNR', () => {
    const { source, decoded } = roundTrip(48000, 2);
    expect(decoded.length).toBe(source.length);
    expect(bestLagSnr(source, decoded, 2)).toBeGreaterThanOrEqual(30);
  });

  it('decodes 48 kHz stereo packets straight to 24 kHz mono at >= 30 dB SNR', () => {
    const { source, decoded } = roundTrip(24000, 1);
    expect(decoded.length).toBe(480 * 25);
    expect(bestLagSnr(source, decoded, 1)).toBeGreaterThanOrEqual(30);
  });

  it('returns null for empty and hostile packets, counts them, and keeps decoding', () => {
    const enc = createOpusEncoder({ sampleRate: 48000, channels: 2 });
    const dec = createOpusDecoder({ sampleRate: 24000, channels: 1 });
    const good = enc.encode(tone(960, 2, 48000));
    expect(dec.decode(new Uint8Array(0))).toBeNull();
    // TOC code 3 with a frame count of 0 is illegal; so is a lone code-3 byte.
    expect(dec.decode(Uint8Array.of(0xfb))).toBeNull();
    expect(dec.decode(Uint8Array.of(0xfb, 0x00))).toBeNull();
    expect(dec.corruptPackets).toBe(3);
    let seed = 7;
    for (let i = 0; i < 500; i++) {
      const junk = new Uint8Array(1 + (i % 200));
      for (let j = 0; j < junk.length; j++) {
        seed = (seed * 1103515245 + 12345) >>> 0;
        junk[j] = seed >>> 24;
      }
      // Must not throw, whatever libopus makes of it; valid-looking junk decodes to whole 2.5 ms units.
      const out = dec.decode(junk);
      if (out) expect(out.length % 60).toBe(0);
    }
    expect(dec.decode(good)?.length).toBe(480);
  });

  it('returns decoded PCM the caller owns (not a view into reused native memory)', () => {
    const enc = createOpusEncoder({ sampleRate: 48000, channels: 2 });
    const dec = createOpusDecoder({ sampleRate: 48000, channels: 2 });
    const first = dec.decode(enc.encode(tone(960, 2, 48000, 440)))!;
    const snapshot = Int16Array.from(first);
    dec.decode(enc.encode(tone(960, 2, 48000, 1000)));
    expect(first).toEqual(snapshot);
    expect(first.byteOffset % 2).toBe(0);
  });

  it('rejects a frame of the wrong size with a message that says how to fix it', () => {
    const enc = createOpusEncoder({ sampleRate: 48000, channels: 2 });
    expect(() => enc.encode(new Int16Array(100))).toThrow(/1920 interleaved samples.*FrameChunker/);
    expect(() => createOpusDecoder({ sampleRate: 44100 as 48000, channels: 1 })).toThrow(/sample rate/);
  });

  it('keeps 2,000 decoders and 2,000 encoders alive and working in one process', () => {
    const n = 2000;
    const frame = tone(960, 2, 48000);
    const encoders = Array.from({ length: n }, () => createOpusEncoder({ sampleRate: 48000, channels: 2 }));
    const decoders = Array.from({ length: n }, () => createOpusDecoder({ sampleRate: 24000, channels: 1 }));
    let decodedFrames = 0;
    for (let i = 0; i < n; i++) {
      const pcm = decoders[i]!.decode(encoders[i]!.encode(frame));
      if (pcm?.length === 480) decodedFrames++;
    }
    expect(decodedFrames).toBe(n);
    // Every instance still works after all were created (opusscript fails here at ~21).
    const again = decoders.filter((d, i) => d.decode(encoders[i]!.encode(frame))?.length === 480).length;
    expect(again).toBe(n);
  });

  it('falls back to the wasm build when forced, with the same API', () => {
    const script = `import('${new URL('./index.ts', import.meta.url).pathname}').then((m) => {
      const r = m.checkOpusBackend(); process.stdout.write(JSON.stringify(r));
    })`;
    const out = execFileSync(process.execPath, ['-e', script], {
      env: { ...process.env, OPUS_FORCE_WASM: '1' },
      encoding: 'utf8',
    });
    const result = JSON.parse(out) as { kind: string; snrDb: number };
    expect(result.kind).toBe('wasm');
    expect(result.snrDb).toBeGreaterThan(30);
  });
});

describe('encoder settings', () => {
  it('applies bitrate and complexity through libopus (not silently ignored)', () => {
    const pcm = new Int16Array(1920);
    for (let i = 0; i < 960; i++)
      pcm[2 * i] = pcm[2 * i + 1] = Math.round(8000 * Math.sin(i * 0.05) + 3000 * Math.sin(i * 0.31));
    const size = (bitrate: number) => {
      const enc = createOpusEncoder({ sampleRate: 48000, channels: 2, bitrate });
      let n = 0;
      for (let k = 0; k < 5; k++) n = enc.encode(pcm).length;
      return n;
    };
    expect(size(256_000)).toBeGreaterThan(size(32_000) * 4);
    expect(() => createOpusEncoder({ sampleRate: 48000, channels: 2, complexity: 42 })).toThrow(
      /complexity = 42/,
    );
  });
});

describe('reset and mono packets', () => {
  it('reset() returns encoder and decoder to their initial state', () => {
    const frames = [tone(480, 1, 24000, 300), tone(480, 1, 24000, 900), tone(480, 1, 24000, 1500)];
    const fresh = createOpusEncoder({ sampleRate: 24000, channels: 1 });
    const expected = frames.map((f) => Array.from(fresh.encode(f)));
    const reused = createOpusEncoder({ sampleRate: 24000, channels: 1 });
    for (const f of frames) reused.encode(f);
    reused.reset();
    expect(frames.map((f) => Array.from(reused.encode(f)))).toEqual(expected);

    const dec = createOpusDecoder({ sampleRate: 24000, channels: 1 });
    const first = Array.from(dec.decode(new Uint8Array(expected[0]!))!);
    dec.decode(new Uint8Array(expected[1]!));
    dec.reset();
    expect(Array.from(dec.decode(new Uint8Array(expected[0]!))!)).toEqual(first);
  });

  it('24 kHz mono packets decode on a 48 kHz stereo decoder (what Discord clients run) at >= 30 dB', () => {
    const enc = createOpusEncoder({ sampleRate: 24000, channels: 1 });
    const dec = createOpusDecoder({ sampleRate: 48000, channels: 2 });
    const frames = 25;
    const source = tone(480 * frames, 1, 24000);
    const left: number[] = [];
    let stereoMismatch = 0;
    for (let f = 0; f < frames; f++) {
      const packet = enc.encode(source.subarray(f * 480, (f + 1) * 480));
      expect(packet[0]! & 0x04).toBe(0); // TOC stereo bit clear: a mono packet
      const pcm = dec.decode(packet)!;
      expect(pcm.length).toBe(1920);
      for (let i = 0; i < 960; i++) {
        left.push(pcm[2 * i]!);
        if (pcm[2 * i] !== pcm[2 * i + 1]) stereoMismatch++;
      }
    }
    expect(stereoMismatch).toBe(0);
    expect(bestLagSnr(tone(960 * frames, 1, 48000), Int16Array.from(left), 1)).toBeGreaterThan(30);
  });
});
