// PCM16 little-endian <-> base64, the wire format of realtime audio events.
// Buffer's native base64 is much faster than btoa/atob loops;
// it is available in Node and in bundlers' Buffer shims.
import { Buffer } from 'node:buffer';

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Encodes signed 16-bit samples as base64 little-endian bytes, without copying on LE hosts. */
export function encodePcm16Base64(samples: Int16Array): string {
  if (!littleEndian) throw new Error('big-endian hosts are not supported');
  return Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength).toString('base64');
}

/** Decodes base64 little-endian PCM16 into a fresh, aligned Int16Array (odd trailing byte dropped). */
export function decodePcm16Base64(b64: string): Int16Array {
  const bytes = Buffer.from(b64, 'base64');
  const out = new Int16Array(bytes.byteLength >> 1);
  new Uint8Array(out.buffer).set(bytes.subarray(0, out.byteLength));
  return out;
}
