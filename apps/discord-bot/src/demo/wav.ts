import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Encodes mono or interleaved PCM16 as a RIFF/WAVE file. */
export function encodeWav(pcm: Int16Array, sampleRate: number, channels = 1): Uint8Array {
  const dataBytes = pcm.length * 2;
  const buf = new ArrayBuffer(44 + dataBytes);
  const v = new DataView(buf);
  const ascii = (off: number, s: string) => {
    for (let i = 0; i < s.length; i++) v.setUint8(off + i, s.charCodeAt(i));
  };
  ascii(0, 'RIFF');
  v.setUint32(4, 36 + dataBytes, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  v.setUint32(16, 16, true);
  v.setUint16(20, 1, true);
  v.setUint16(22, channels, true);
  v.setUint32(24, sampleRate, true);
  v.setUint32(28, sampleRate * channels * 2, true);
  v.setUint16(32, channels * 2, true);
  v.setUint16(34, 16, true);
  ascii(36, 'data');
  v.setUint32(40, dataBytes, true);
  new Int16Array(buf, 44).set(pcm);
  return new Uint8Array(buf);
}

/** Writes a WAV file (creating its folder). */
export function writeWav(path: string, pcm: Int16Array, sampleRate: number, channels = 1): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, encodeWav(pcm, sampleRate, channels));
}

/** Root-mean-square level of PCM16 samples in dBFS (-Infinity for silence). */
export function rmsDbfs(pcm: Int16Array): number {
  if (pcm.length === 0) return Number.NEGATIVE_INFINITY;
  let sum = 0;
  for (const s of pcm) sum += s * s;
  return 20 * Math.log10(Math.sqrt(sum / pcm.length) / 32768);
}
