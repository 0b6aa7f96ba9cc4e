import { readFileSync, writeFileSync } from 'node:fs';

/** Decoded 16-bit PCM audio. */
export interface Pcm16Audio {
  sampleRate: number;
  channels: number;
  /** Interleaved samples. */
  samples: Int16Array;
}

/** Thrown for WAV data this reader cannot handle (only 16-bit integer PCM is supported). */
export class WavFormatError extends Error {
  override readonly name = 'WavFormatError';
}

/** Parses a RIFF/WAVE buffer holding 16-bit PCM (walks chunks, so LIST/fact chunks are fine). */
export function parseWav(bytes: Uint8Array): Pcm16Audio {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (o: number) => String.fromCharCode(...bytes.subarray(o, o + 4));
  if (bytes.byteLength < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE') {
    throw new WavFormatError('not a RIFF/WAVE file: expected "RIFF....WAVE" at the start');
  }
  let offset = 12;
  let fmt: { format: number; channels: number; sampleRate: number; bits: number } | undefined;
  while (offset + 8 <= bytes.byteLength) {
    const id = tag(offset);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === 'fmt ') {
      fmt = {
        format: view.getUint16(body, true),
        channels: view.getUint16(body + 2, true),
        sampleRate: view.getUint32(body + 4, true),
        bits: view.getUint16(body + 14, true),
      };
    } else if (id === 'data') {
      if (!fmt) throw new WavFormatError('WAV "data" chunk comes before "fmt ": file is malformed');
      // 0xfffe is WAVE_FORMAT_EXTENSIBLE, which sox uses for some layouts.
      if ((fmt.format !== 1 && fmt.format !== 0xfffe) || fmt.bits !== 16) {
        throw new WavFormatError(
          `only 16-bit integer PCM WAV is supported (got format ${fmt.format}, ${fmt.bits} bits); convert with "sox in.wav -b 16 out.wav"`,
        );
      }
      const end = Math.min(body + size, bytes.byteLength);
      const count = (end - body) >> 1;
      const samples = new Int16Array(count);
      for (let i = 0; i < count; i++) samples[i] = view.getInt16(body + i * 2, true);
      return { sampleRate: fmt.sampleRate, channels: fmt.channels, samples };
    }
    offset = body + size + (size & 1);
  }
  throw new WavFormatError('WAV file has no "data" chunk');
}

/** Reads a 16-bit PCM WAV file. */
export function readWav(path: string): Pcm16Audio {
  return parseWav(readFileSync(path));
}

/** Encodes interleaved 16-bit PCM as a WAV buffer. */
export function encodeWav(audio: Pcm16Audio): Uint8Array {
  const dataBytes = audio.samples.length * 2;
  const out = new Uint8Array(44 + dataBytes);
  const view = new DataView(out.buffer);
  const put = (o: number, s: string) => {
    for (let i = 0; i < s.length; i++) out[o + i] = s.charCodeAt(i);
  };
  put(0, 'RIFF');
  view.setUint32(4, 36 + dataBytes, true);
  put(8, 'WAVE');
  put(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true);
  view.setUint16(22, audio.channels, true);
  view.setUint32(24, audio.sampleRate, true);
  view.setUint32(28, audio.sampleRate * audio.channels * 2, true);
  view.setUint16(32, audio.channels * 2, true);
  view.setUint16(34, 16, true);
  put(36, 'data');
  view.setUint32(40, dataBytes, true);
  for (let i = 0; i < audio.samples.length; i++) view.setInt16(44 + i * 2, audio.samples[i] ?? 0, true);
  return out;
}

/** Writes interleaved 16-bit PCM to a WAV file. */
export function writeWav(path: string, audio: Pcm16Audio): void {
  writeFileSync(path, encodeWav(audio));
}
