// Reads text chunks from a PNG (where SillyTavern stores character cards), verifying the
// signature and every CRC so a damaged or forged file is refused, not half-read.

import { deflateSync, inflateSync } from 'node:zlib';

/** Decompressed text is capped so a small zTXt "zip bomb" cannot exhaust memory. */
const MAX_INFLATED_BYTES = 4 * 1024 * 1024;
const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

export function isPng(bytes: Uint8Array): boolean {
  return SIGNATURE.every((b, i) => bytes[i] === b);
}

/** Returns `keyword → text` for every tEXt, zTXt and iTXt chunk. Throws on damage. */
export function readPngText(bytes: Uint8Array): Map<string, string> {
  if (!isPng(bytes)) throw new Error('not a PNG file (bad signature)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Map<string, string>();
  let at = 8;
  while (at + 12 <= bytes.length) {
    const length = view.getUint32(at);
    const typeAndData = bytes.subarray(at + 4, at + 8 + length);
    if (at + 12 + length > bytes.length) throw new Error('PNG is truncated');
    const type = String.fromCharCode(...typeAndData.subarray(0, 4));
    if (crc32(typeAndData) !== view.getUint32(at + 8 + length))
      throw new Error(`PNG chunk ${type} has a bad CRC`);
    const data = typeAndData.subarray(4);
    if (type === 'tEXt') {
      const nul = data.indexOf(0);
      if (nul > 0) out.set(latin1(data.subarray(0, nul)), latin1(data.subarray(nul + 1)));
    } else if (type === 'zTXt') {
      const nul = data.indexOf(0);
      if (nul > 0 && data[nul + 1] === 0) {
        out.set(latin1(data.subarray(0, nul)), latin1(inflate(data.subarray(nul + 2))));
      }
    } else if (type === 'iTXt') {
      const nul = data.indexOf(0);
      const compressed = data[nul + 1] === 1;
      if (nul > 0 && data[nul + 2] === 0) {
        const langEnd = data.indexOf(0, nul + 3);
        const transEnd = data.indexOf(0, langEnd + 1);
        if (langEnd > 0 && transEnd > 0) {
          const body = data.subarray(transEnd + 1);
          const textBytes = compressed ? inflate(body) : body;
          out.set(latin1(data.subarray(0, nul)), new TextDecoder().decode(textBytes));
        }
      }
    } else if (type === 'IEND') {
      return out;
    }
    at += 12 + length;
  }
  throw new Error('PNG is truncated (no IEND chunk)');
}

function inflate(bytes: Uint8Array): Uint8Array {
  try {
    return inflateSync(bytes, { maxOutputLength: MAX_INFLATED_BYTES });
  } catch (err) {
    throw new Error(`PNG compressed text is damaged or over ${MAX_INFLATED_BYTES} bytes`, { cause: err });
  }
}

function latin1(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return s;
}

/** Builds a minimal PNG carrying the given text chunks, as tEXt or zTXt (for tests and fixtures). */
export function buildPngWithText(
  chunks: Record<string, string>,
  options: { compressed?: boolean } = {},
): Uint8Array {
  const parts: Uint8Array[] = [Uint8Array.from(SIGNATURE)];
  const chunk = (type: string, data: Uint8Array) => {
    const body = new Uint8Array(4 + data.length);
    body.set([...type].map((c) => c.charCodeAt(0)));
    body.set(data, 4);
    const frame = new Uint8Array(12 + data.length);
    const v = new DataView(frame.buffer);
    v.setUint32(0, data.length);
    frame.set(body, 4);
    v.setUint32(8 + data.length, crc32(body));
    parts.push(frame);
  };
  // 1×1 greyscale IHDR + an IDAT of one zero row (a valid deflate stream).
  chunk('IHDR', Uint8Array.of(0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0));
  for (const [k, v] of Object.entries(chunks)) {
    const bytes = (t: string) => Uint8Array.from([...t].map((c) => c.charCodeAt(0) & 0xff));
    if (options.compressed) {
      const head = bytes(`${k}\0\0`);
      const body = deflateSync(bytes(v));
      const data = new Uint8Array(head.length + body.length);
      data.set(head);
      data.set(body, head.length);
      chunk('zTXt', data);
    } else {
      chunk('tEXt', bytes(`${k}\0${v}`));
    }
  }
  chunk('IDAT', Uint8Array.of(0x78, 0x9c, 0x63, 0x60, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01));
  chunk('IEND', new Uint8Array(0));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
