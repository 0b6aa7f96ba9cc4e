/**
 * The TLS presentation language as MLS uses it (RFC 9420 §2.1): big-endian integers and vectors
 * whose length is a QUIC-style variable-length integer (§2.1.2). The DAVE binary opcodes use the
 * same encoding (https://daveprotocol.com/#voice-gateway-opcodes).
 */

/** Thrown for bytes that do not parse as the structure they claim to be. */
export class TlsDecodeError extends Error {
  override readonly name = 'TlsDecodeError';
}

/** Largest length a 4-byte varint can carry; 0b11-prefixed (8-byte) lengths are invalid in MLS. */
const MAX_VARINT = 0x3fff_ffff;

/** Appends TLS-encoded values to a growing buffer. */
export class TlsWriter {
  private buf = new Uint8Array(256);
  private len = 0;

  private reserve(n: number): number {
    if (this.len + n > this.buf.length) {
      const next = new Uint8Array(Math.max(this.buf.length * 2, this.len + n));
      next.set(this.buf.subarray(0, this.len));
      this.buf = next;
    }
    const at = this.len;
    this.len += n;
    return at;
  }

  u8(v: number): this {
    const at = this.reserve(1);
    this.buf[at] = v & 0xff;
    return this;
  }

  u16(v: number): this {
    const at = this.reserve(2);
    this.buf[at] = (v >>> 8) & 0xff;
    this.buf[at + 1] = v & 0xff;
    return this;
  }

  u32(v: number): this {
    const at = this.reserve(4);
    new DataView(this.buf.buffer, this.buf.byteOffset).setUint32(at, v >>> 0);
    return this;
  }

  u64(v: bigint): this {
    const at = this.reserve(8);
    new DataView(this.buf.buffer, this.buf.byteOffset).setBigUint64(at, BigInt.asUintN(64, v));
    return this;
  }

  /** A length in the minimal varint form RFC 9420 §2.1.2 requires. */
  varint(v: number): this {
    if (!Number.isInteger(v) || v < 0 || v > MAX_VARINT) throw new RangeError(`varint out of range: ${v}`);
    if (v < 0x40) return this.u8(v);
    if (v < 0x4000) return this.u16(0x4000 | v);
    return this.u32((0x8000_0000 | v) >>> 0);
  }

  raw(bytes: Uint8Array): this {
    const at = this.reserve(bytes.length); // before `this.buf`: reserve may reallocate it
    this.buf.set(bytes, at);
    return this;
  }

  /** `opaque x<V>`: varint length, then the bytes. */
  opaque(bytes: Uint8Array): this {
    return this.varint(bytes.length).raw(bytes);
  }

  /** `T x<V>`: the items encoded by `each`, prefixed with their total byte length. */
  vector<T>(items: readonly T[], each: (w: TlsWriter, item: T) => void): this {
    const inner = new TlsWriter();
    for (const item of items) each(inner, item);
    return this.opaque(inner.bytes());
  }

  bytes(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

/** Reads TLS-encoded values from a buffer, throwing {@link TlsDecodeError} on truncation. */
export class TlsReader {
  private readonly buf: Uint8Array;
  private readonly view: DataView;
  offset = 0;

  constructor(buf: Uint8Array) {
    this.buf = buf;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  get remaining(): number {
    return this.buf.length - this.offset;
  }

  private take(n: number, what: string): number {
    if (this.offset + n > this.buf.length)
      throw new TlsDecodeError(`truncated ${what}: need ${n} bytes at offset ${this.offset}`);
    const at = this.offset;
    this.offset += n;
    return at;
  }

  u8(what = 'uint8'): number {
    return this.view.getUint8(this.take(1, what));
  }

  u16(what = 'uint16'): number {
    return this.view.getUint16(this.take(2, what));
  }

  u32(what = 'uint32'): number {
    return this.view.getUint32(this.take(4, what));
  }

  u64(what = 'uint64'): bigint {
    return this.view.getBigUint64(this.take(8, what));
  }

  varint(what = 'length'): number {
    const first = this.buf[this.offset];
    if (first === undefined) throw new TlsDecodeError(`truncated ${what} at offset ${this.offset}`);
    const prefix = first >> 6;
    if (prefix === 3) throw new TlsDecodeError(`invalid 8-byte varint for ${what} at offset ${this.offset}`);
    let v: number;
    if (prefix === 0) v = this.u8(what);
    else if (prefix === 1) {
      v = this.u16(what) & 0x3fff;
      if (v < 0x40) throw new TlsDecodeError(`non-minimal varint for ${what}`);
    } else {
      v = this.u32(what) & 0x3fff_ffff;
      if (v < 0x4000) throw new TlsDecodeError(`non-minimal varint for ${what}`);
    }
    return v;
  }

  raw(n: number, what = 'bytes'): Uint8Array {
    const at = this.take(n, what);
    return this.buf.subarray(at, at + n);
  }

  opaque(what = 'opaque'): Uint8Array {
    return this.raw(this.varint(what), what);
  }

  /** `T x<V>`: decodes items with `each` until the vector's bytes are used up exactly. */
  vector<T>(each: (r: TlsReader) => T, what = 'vector'): T[] {
    const inner = new TlsReader(this.opaque(what));
    const out: T[] = [];
    while (inner.remaining > 0) out.push(each(inner));
    return out;
  }

  /** The bytes consumed since `start` (for hashing/signing exactly what was on the wire). */
  since(start: number): Uint8Array {
    return this.buf.subarray(start, this.offset);
  }

  /** Throws unless every byte was consumed. */
  end(what: string): void {
    if (this.remaining !== 0) throw new TlsDecodeError(`${this.remaining} trailing bytes after ${what}`);
  }
}
