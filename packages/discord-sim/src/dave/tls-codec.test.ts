import { describe, expect, it } from 'vitest';
import { TlsDecodeError, TlsReader, TlsWriter } from './tls-codec.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const bytes = (h: string) => new Uint8Array(Buffer.from(h, 'hex'));

describe('TLS presentation language with MLS varint lengths (RFC 9420 §2.1.2)', () => {
  // RFC 9000 §A.1 samples in their minimal forms (MLS takes the 1-, 2- and 4-byte forms only).
  const samples: [number, string][] = [
    [0, '00'],
    [37, '25'],
    [63, '3f'],
    [64, '4040'],
    [15293, '7bbd'],
    [16383, '7fff'],
    [16384, '80004000'],
    [494878333, '9d7f3e7d'],
    [0x3fffffff, 'bfffffff'],
  ];
  it.each(samples)('varint %i encodes as %s and decodes back', (value, encoded) => {
    expect(hex(new TlsWriter().varint(value).bytes())).toBe(encoded);
    expect(new TlsReader(bytes(encoded)).varint()).toBe(value);
  });

  it('refuses non-minimal encodings and the 8-byte form, as MLS requires', () => {
    expect(() => new TlsReader(bytes('4025')).varint()).toThrow(/non-minimal/);
    expect(() => new TlsReader(bytes('80000025')).varint()).toThrow(/non-minimal/);
    expect(() => new TlsReader(bytes('c2197c5eff14e88c')).varint()).toThrow(/8-byte/);
    expect(() => new TlsWriter().varint(0x40000000)).toThrow(RangeError);
  });

  it('writes integers big-endian and opaque/vector values length-prefixed', () => {
    const w = new TlsWriter().u8(1).u16(0x0203).u32(0x04050607).u64(0x08090a0b0c0d0e0fn);
    w.opaque(bytes('aabb')).vector([1, 2], (x, n) => x.u16(n));
    expect(hex(w.bytes())).toBe('0102030405060708090a0b0c0d0e0f' + '02aabb' + '0400010002');
  });

  it('grows past its initial buffer without losing bytes', () => {
    const big = new Uint8Array(5000).map((_, i) => i & 0xff);
    const out = new TlsWriter().u8(7).opaque(big).u8(9).bytes();
    const r = new TlsReader(out);
    expect(r.u8()).toBe(7);
    expect(r.opaque()).toEqual(big);
    expect(r.u8()).toBe(9);
    r.end('test');
  });

  it('decodes a vector exactly and reports truncation with the field name', () => {
    const r = new TlsReader(bytes('0400010002'));
    expect(r.vector((x) => x.u16())).toEqual([1, 2]);
    expect(() => new TlsReader(bytes('05000100')).opaque('proposal_messages')).toThrow(TlsDecodeError);
    expect(() => new TlsReader(bytes('05000100')).opaque('proposal_messages')).toThrow(/proposal_messages/);
    expect(() => new TlsReader(bytes('0300010002')).vector((x) => x.u16())).toThrow(/truncated/);
    expect(() => new TlsReader(bytes('01')).u16('epoch')).toThrow(/epoch/);
  });

  it('since() returns exactly the bytes read, and end() rejects trailing bytes', () => {
    const r = new TlsReader(bytes('0102030405'));
    r.u8();
    const start = r.offset;
    r.u16();
    expect(hex(r.since(start))).toBe('0203');
    expect(() => r.end('x')).toThrow(/2 trailing bytes after x/);
  });
});
