// Seeded hostile voice traffic for one simulated user: what a voice server (or anyone who knows
// the bot's UDP port) could put on the wire. Pure: the plan is built from a seed and the session's
// key material; sending it is the sim's job (see fuzzer.ts).
import { randomBytes } from 'node:crypto';
import { createRng } from '../audio/rng.ts';
import { sealRtp } from '../crypto/transport-crypto.ts';
import { opusPacketProblem } from '../rtp/opus-packet.ts';
import { buildRtpPacket, OPUS_PAYLOAD_TYPE } from '../rtp/rtp.ts';
import {
  FUZZ_FATES,
  type FuzzContext,
  type FuzzDatagram,
  type FuzzKind,
  type FuzzRound,
  type VoiceFuzzOptions,
} from './voice-fuzz-kinds.ts';

export * from './voice-fuzz-kinds.ts';

// Relative weights within a round's survivable part and hostile tail.
const SURVIVABLE: [FuzzKind, number][] = [
  ['speech', 10],
  ['corrupt-opus', 12],
  ['random-opus', 12],
  ['truncated-opus', 12],
  ['padded', 10],
  ['extension', 10],
  ['ext-lookalike', 1],
  ['bad-header', 9],
  ['unknown-ssrc', 9],
  ['garbage', 9],
  ['runt', 7],
];
const HOSTILE: [FuzzKind, number][] = [
  ['wrong-key', 3],
  ['wrong-nonce', 3],
  ['tampered', 3],
  ['truncated-rtp', 3],
  ['unknown-ssrc', 1],
  ['garbage', 1],
  ['runt', 1],
];

/** Builds the rounds of a fuzz run; the same seed and context give the same datagrams. */
export function planVoiceFuzz(ctx: FuzzContext, opts: VoiceFuzzOptions): FuzzRound[] {
  if (!Number.isInteger(opts.packets) || opts.packets < 2)
    throw new RangeError(`fuzz packets must be an integer ≥ 2 (got ${opts.packets})`);
  if (ctx.frames.length === 0) throw new RangeError('fuzz needs at least one real Opus frame to build on');
  const rounds = Math.max(1, Math.min(opts.rounds ?? 10, Math.floor(opts.packets / 2)));
  const share = opts.hostileShare ?? 0.06;
  const gen = new Generator(ctx, createRng(opts.seed));
  const plan: FuzzRound[] = [];
  let left = opts.packets;
  for (let r = 0; r < rounds; r++) {
    const size = r === rounds - 1 ? left : Math.floor(opts.packets / rounds);
    left -= size;
    const hostile = Math.min(size - 1, Math.max(1, Math.round(size * share)));
    const tail = Array.from({ length: hostile }, (_, i) =>
      gen.make(i === 0 ? gen.pick(HOSTILE.filter(([k]) => FUZZ_FATES[k] === 'rejected')) : gen.pick(HOSTILE)),
    );
    const round = {
      survivable: gen.shuffle(Array.from({ length: size - hostile }, () => gen.make(gen.pick(SURVIVABLE)))),
      hostile: gen.shuffle(tail),
    };
    // E2EE frames carry increasing nonces and a receiver drops those older than the first it
    // processed, so they are encrypted in send order, after the shuffle.
    for (const d of [...round.survivable, ...round.hostile]) gen.finish(d);
    plan.push(round);
  }
  return plan;
}

class Generator {
  readonly #ctx: FuzzContext;
  readonly #rng: () => number;
  /** Delivered datagrams still to be end-to-end encrypted and sealed (see `finish`). */
  readonly #pending = new Map<FuzzDatagram, () => Uint8Array>();

  constructor(ctx: FuzzContext, rng: () => number) {
    this.#ctx = ctx;
    this.#rng = rng;
  }

  int(lo: number, hi: number): number {
    return lo + Math.floor(this.#rng() * (hi - lo + 1));
  }

  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.int(0, 255);
    return out;
  }

  pick(weights: [FuzzKind, number][]): FuzzKind {
    const total = weights.reduce((n, [, w]) => n + w, 0);
    let x = this.#rng() * total;
    for (const [kind, w] of weights) {
      x -= w;
      if (x < 0) return kind;
    }
    return weights[weights.length - 1]?.[0] as FuzzKind;
  }

  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      [items[i], items[j]] = [items[j] as T, items[i] as T];
    }
    return items;
  }

  frame(): Uint8Array {
    return this.#ctx.frames[this.int(0, this.#ctx.frames.length - 1)] as Uint8Array;
  }

  make(wanted: FuzzKind): FuzzDatagram {
    // Under DAVE the transport plaintext is an encrypted frame, which cannot be steered to read
    // 0xBE 0xDE after transport encryption; such rounds carry a real extension instead.
    const kind = wanted === 'ext-lookalike' && this.#ctx.seal ? 'extension' : wanted;
    const fate = FUZZ_FATES[kind];
    if (kind === 'ext-lookalike') {
      const { opus, bytes } = this.extensionLookalike();
      return { kind, fate, bytes, opus, opusProblem: opusPacketProblem(opus) };
    }
    if (fate === 'delivered') {
      const { opus, ext, pad } = this.payload(kind);
      const e2ee = this.#ctx.seal;
      if (!e2ee) {
        const bytes = this.seal(opus, { extensionWords: ext, padding: pad });
        return { kind, fate, bytes, opus, opusProblem: opusPacketProblem(opus) };
      }
      const header = this.header();
      const d: FuzzDatagram = {
        kind,
        fate,
        bytes: new Uint8Array(0),
        opus,
        opusProblem: opusPacketProblem(opus),
      };
      const view = new DataView(header.buffer);
      const spec = { sequence: view.getUint16(2), timestamp: view.getUint32(4), ssrc: view.getUint32(8) };
      const extra = { extensionWords: ext, padding: pad };
      this.#pending.set(d, () =>
        buildRtpPacket(
          this.#ctx.mode,
          this.#ctx.key,
          { ...spec, opus: e2ee(opus), ...extra },
          this.#ctx.nextCounter(),
        ),
      );
      return d;
    }
    return { kind, fate, bytes: this.undeliverable(kind) };
  }

  /** Builds a delivered datagram's bytes now that its send position is known. */
  finish(d: FuzzDatagram): void {
    const build = this.#pending.get(d);
    if (!build) return;
    this.#pending.delete(d);
    d.bytes = build();
  }

  payload(kind: FuzzKind): { opus: Uint8Array; ext?: number | undefined; pad?: number | undefined } {
    switch (kind) {
      case 'corrupt-opus':
        return { opus: this.illegalOpus() };
      case 'random-opus':
        return { opus: this.bytes(this.int(1, 160)) };
      case 'truncated-opus': {
        const f = this.frame();
        return { opus: f.slice(0, this.int(0, f.length - 1)) };
      }
      case 'padded':
        return { opus: this.frame(), pad: this.int(1, 255) };
      case 'extension':
        return { opus: this.frame(), ext: this.int(1, 8) };
      default:
        return { opus: this.frame() };
    }
  }

  /** One of the RFC 6716 §3.4 violations, with random parameters. */
  illegalOpus(): Uint8Array {
    const toc = (this.int(0, 31) << 3) | (this.int(0, 1) << 2);
    const celt20 = (31 << 3) | (this.int(0, 1) << 2); // 20 ms CELT: 7 frames already exceed 120 ms
    switch (this.int(0, 9)) {
      case 0: // R1: nothing at all
        return new Uint8Array(0);
      case 1: // R2: a code 0 frame above 1275 bytes
        return Uint8Array.of(toc, ...this.bytes(this.int(1276, 1300)));
      case 2: // R3: code 1 needs two equal halves
        return Uint8Array.of(toc | 1, ...this.bytes(2 * this.int(0, 40) + 1));
      case 3: // R4: the first frame claims more than the packet holds
        return Uint8Array.of(toc | 2, this.int(20, 251), ...this.bytes(this.int(0, 19)));
      case 4: // R4: a two-byte frame length cut in half
        return Uint8Array.of(toc | 2, this.int(252, 255));
      case 5: // R5: code 3 with zero frames
        return Uint8Array.of(toc | 3, this.int(0, 3) << 6, ...this.bytes(this.int(0, 20)));
      case 6: // R5: code 3 with more than 120 ms
        return Uint8Array.of(celt20 | 3, this.int(7, 63), ...this.bytes(this.int(0, 40)));
      case 7: {
        // R6: CBR payload not a multiple of the frame count
        const m = this.int(2, 5);
        return Uint8Array.of(celt20 | 3, m, ...this.bytes(m * this.int(1, 10) + this.int(1, m - 1)));
      }
      case 8: // R6/R7: a padding length that runs off the end
        return Uint8Array.of(toc | 3, 0x40 | 1, ...new Array<number>(this.int(0, 3)).fill(255));
      default: // R7: VBR frame lengths longer than the packet
        return Uint8Array.of(celt20 | 3, 0x80 | 3, this.int(60, 251), this.int(60, 251), ...this.bytes(10));
    }
  }

  seal(
    opus: Uint8Array,
    extra: { extensionWords?: number | undefined; padding?: number | undefined } = {},
    ssrc?: number,
  ): Uint8Array {
    const s = this.#ctx.sender;
    const spec = { sequence: s.sequence, timestamp: s.timestamp, ssrc: ssrc ?? s.ssrc, opus, ...extra };
    s.sequence = (s.sequence + 1) & 0xffff;
    s.timestamp = (s.timestamp + 960) >>> 0;
    return buildRtpPacket(this.#ctx.mode, this.#ctx.key, spec, this.#ctx.nextCounter());
  }

  /**
   * A packet without a header extension whose first two encrypted bytes read 0xBE 0xDE, the
   * one-byte extension profile (1 packet in 65,536 by chance). Both modes are stream ciphers, so
   * the plaintext that yields it comes from the keystream; the payload stays a legal code-0 packet.
   */
  extensionLookalike(): { opus: Uint8Array; bytes: Uint8Array } {
    const frame = this.frame();
    for (;;) {
      const header = this.header();
      const counter = this.#ctx.nextCounter();
      const length = Math.max(frame.length, 3);
      const keystream = sealRtp(
        this.#ctx.mode,
        this.#ctx.key,
        header,
        new Uint8Array(length),
        counter,
      ).subarray(12);
      const toc = 0xbe ^ (keystream[0] as number);
      if ((toc & 3) !== 0) continue; // code 0: one frame, legal at any length
      const opus = Uint8Array.of(toc, 0xde ^ (keystream[1] as number), ...frame.subarray(2, length));
      return { opus, bytes: sealRtp(this.#ctx.mode, this.#ctx.key, header, opus, counter) };
    }
  }

  unknownSsrc(): number {
    for (;;) {
      const ssrc = this.int(0, 0xffffffff) >>> 0;
      if (!this.#ctx.knownSsrcs.has(ssrc) && ssrc !== this.#ctx.sender.ssrc) return ssrc;
    }
  }

  undeliverable(kind: FuzzKind): Uint8Array {
    switch (kind) {
      case 'wrong-key': {
        const header = this.header();
        return sealRtp(
          this.#ctx.mode,
          new Uint8Array(randomBytes(32)),
          header,
          this.frame(),
          this.#ctx.nextCounter(),
        );
      }
      case 'wrong-nonce': {
        const p = this.seal(this.frame());
        const at = p.length - 4;
        const was = new DataView(p.buffer, p.byteOffset).getUint32(at);
        new DataView(p.buffer, p.byteOffset).setUint32(at, (was + this.int(1, 0xfffffffe)) >>> 0);
        return p;
      }
      case 'tampered': {
        const p = this.seal(this.frame());
        const at = this.int(12, p.length - 5);
        p[at] = (p[at] as number) ^ this.int(1, 255);
        return p;
      }
      case 'truncated-rtp': {
        const p = this.seal(this.frame());
        return p.slice(0, this.int(12, p.length - 1));
      }
      case 'bad-header': {
        const p = this.seal(this.frame());
        if (this.int(0, 1) === 0)
          p[0] = ((p[0] as number) & 0x3f) | (this.int(0, 2) === 2 ? 0xc0 : this.int(0, 1) << 6);
        else p[1] = ((p[1] as number) & 0x80) | this.otherPayloadType();
        return p;
      }
      case 'unknown-ssrc':
        return this.seal(this.frame(), {}, this.unknownSsrc());
      case 'garbage': {
        const p = this.bytes(this.int(12, 1400));
        new DataView(p.buffer).setUint32(8, this.unknownSsrc());
        return p;
      }
      default: // runt
        return this.bytes(this.int(0, 11));
    }
  }

  /** A clear RTP header from the user's SSRC (sequence advanced). */
  header(): Uint8Array {
    const s = this.#ctx.sender;
    const h = new Uint8Array(12);
    const view = new DataView(h.buffer);
    h[0] = 0x80;
    h[1] = OPUS_PAYLOAD_TYPE;
    view.setUint16(2, s.sequence);
    view.setUint32(4, s.timestamp);
    view.setUint32(8, s.ssrc);
    s.sequence = (s.sequence + 1) & 0xffff;
    s.timestamp = (s.timestamp + 960) >>> 0;
    return h;
  }

  otherPayloadType(): number {
    // RTCP sender/receiver reports ride the same port (200–204 → 72–76 in the 7-bit field).
    const pt = this.int(0, 1) === 0 ? this.int(72, 76) : this.int(0, 127);
    return pt === OPUS_PAYLOAD_TYPE ? 0 : pt;
  }
}
