import { createOpusDecoder, isSilenceFrame, type OpusDecoder } from '@troupe/opus';

/**
 * How a frame fared at the listener's end-to-end layer: `transport-only` in calls without DAVE;
 * in DAVE calls `decrypted`, `silence` (the one frame DAVE lets through in clear), `unencrypted`
 * (a non-silence frame sent without E2EE: a leak) or `undecryptable` (lost, e.g. mid re-key).
 */
export type E2eeFate = 'transport-only' | 'decrypted' | 'silence' | 'unencrypted' | 'undecryptable';

/** One RTP packet the bot sent, as a listener received it. */
export interface HeardPacket {
  /** performance.now() at arrival. */
  arrivalMs: number;
  sequence: number;
  timestamp: number;
  /** The 3-byte Opus silence frame (F8 FF FE). */
  silence: boolean;
  /** Bytes of the Opus frame (of the encrypted frame when undecryptable). */
  bytes: number;
  e2ee: E2eeFate;
  /**
   * Part of a re-key: it arrived between a commit and its executed transition, or it was sealed
   * for the old epoch before the transition (the one packet a sender prepares ahead).
   */
  rekeying: boolean;
}

/** What a simulated user heard from the bot. */
export interface Heard {
  packets: HeardPacket[];
  /** Decoded audio: 48 kHz interleaved stereo PCM16, packets concatenated in arrival order. */
  pcm: Int16Array;
  silenceFrames: number;
  /** Packets that failed to decode. */
  corruptPackets: number;
  /** Non-silence frames that arrived without end-to-end encryption in an E2EE call. */
  unencryptedFrames: number;
  /** Encrypted frames this user could not decrypt. */
  undecryptableFrames: number;
}

/** Records one bot's audio for one user; decodes lazily so hundreds of listeners stay cheap. */
export class Listener {
  readonly userId: string;
  private readonly packets: HeardPacket[] = [];
  private readonly pending: Uint8Array[] = [];
  private readonly chunks: Int16Array[] = [];
  private decoder: OpusDecoder | undefined;
  private waiters: { count: number; resolve: () => void }[] = [];
  private silent = 0;
  private audible = 0;
  private unencrypted = 0;
  private undecryptable = 0;
  /** performance.now() of the latest non-silence packet, if any. */
  lastAudioAt: number | undefined;
  /** Called with every packet as it arrives (e.g. to write what a listener hears as it happens). */
  onPacket: ((opus: Uint8Array, packet: HeardPacket) => void) | undefined;

  constructor(userId: string) {
    this.userId = userId;
  }

  /** @internal `opus` is undefined for frames the listener could not decrypt. */
  push(
    opus: Uint8Array | undefined,
    frame: { bytes: number; sequence: number; timestamp: number; e2ee: E2eeFate; rekeying: boolean },
    arrivalMs: number,
  ): void {
    const silence = opus !== undefined && isSilenceFrame(opus);
    const { sequence, timestamp, e2ee, rekeying } = frame;
    const bytes = opus?.length ?? frame.bytes;
    const packet = { arrivalMs, sequence, timestamp, silence, bytes, e2ee, rekeying };
    this.packets.push(packet);
    if (opus) this.onPacket?.(opus, packet);
    if (e2ee === 'unencrypted') this.unencrypted++;
    if (!opus) {
      this.undecryptable++;
      return;
    }
    if (silence) {
      this.silent++;
      return;
    }
    this.audible++;
    this.pending.push(opus.slice());
    this.lastAudioAt = arrivalMs;
    this.waiters = this.waiters.filter((w) => {
      if (this.audible < w.count) return true;
      w.resolve();
      return false;
    });
  }

  /** Resolves once at least `count` audible (decodable, non-silence) packets have arrived. */
  waitForPackets(count: number, timeoutMs = 15_000): Promise<void> {
    if (this.audible >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(new Error(`listener ${this.userId}: fewer than ${count} packets within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.waiters.push({
        count,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  /** Everything heard so far (decodes packets received since the last call). */
  heard(): Heard {
    this.decoder ??= createOpusDecoder({ sampleRate: 48_000, channels: 2 });
    for (const opus of this.pending.splice(0)) {
      const pcm = this.decoder.decode(opus);
      if (pcm) this.chunks.push(pcm);
    }
    let total = 0;
    for (const c of this.chunks) total += c.length;
    const pcm = new Int16Array(total);
    let offset = 0;
    for (const c of this.chunks) {
      pcm.set(c, offset);
      offset += c.length;
    }
    return {
      packets: [...this.packets],
      pcm,
      silenceFrames: this.silent,
      corruptPackets: this.decoder.corruptPackets,
      unencryptedFrames: this.unencrypted,
      undecryptableFrames: this.undecryptable,
    };
  }

  /** Forgets what was heard (e.g. between test phases). */
  clear(): void {
    this.packets.length = 0;
    this.pending.length = 0;
    this.chunks.length = 0;
    this.silent = 0;
    this.audible = 0;
    this.unencrypted = 0;
    this.undecryptable = 0;
    this.lastAudioAt = undefined;
    this.decoder?.reset();
  }
}
