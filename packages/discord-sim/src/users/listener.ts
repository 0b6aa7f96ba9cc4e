import { createOpusDecoder, type OpusDecoder, SILENCE_FRAME } from '@troupe/opus';

/** One RTP packet the bot sent, as a listener received it. */
export interface HeardPacket {
  /** performance.now() at arrival. */
  arrivalMs: number;
  sequence: number;
  timestamp: number;
  /** The 3-byte Opus silence frame (F8 FF FE). */
  silence: boolean;
  bytes: number;
}

/** What a simulated user heard from the bot. */
export interface Heard {
  packets: HeardPacket[];
  /** Decoded audio: 48 kHz interleaved stereo PCM16, packets concatenated in arrival order. */
  pcm: Int16Array;
  silenceFrames: number;
  /** Packets that failed to decode. */
  corruptPackets: number;
}

function isSilence(opus: Uint8Array): boolean {
  return (
    opus.length === 3 &&
    opus[0] === SILENCE_FRAME[0] &&
    opus[1] === SILENCE_FRAME[1] &&
    opus[2] === SILENCE_FRAME[2]
  );
}

/** Records the bot's audio for one user; decodes lazily so hundreds of listeners stay cheap. */
export class Listener {
  readonly userId: string;
  private readonly packets: HeardPacket[] = [];
  private readonly pending: Uint8Array[] = [];
  private readonly chunks: Int16Array[] = [];
  private decoder: OpusDecoder | undefined;
  private waiters: { count: number; resolve: () => void }[] = [];
  private silent = 0;
  /** performance.now() of the latest non-silence packet, if any. */
  lastAudioAt: number | undefined;
  /** Called with every packet as it arrives (e.g. to write what a listener hears as it happens). */
  onPacket: ((opus: Uint8Array, packet: HeardPacket) => void) | undefined;

  constructor(userId: string) {
    this.userId = userId;
  }

  /** @internal */
  push(opus: Uint8Array, sequence: number, timestamp: number, arrivalMs: number): void {
    const silence = isSilence(opus);
    const packet = { arrivalMs, sequence, timestamp, silence, bytes: opus.length };
    this.packets.push(packet);
    this.onPacket?.(opus, packet);
    if (silence) this.silent++;
    else {
      this.pending.push(opus.slice());
      this.lastAudioAt = arrivalMs;
    }
    const audible = this.packets.length - this.silent;
    this.waiters = this.waiters.filter((w) => {
      if (audible < w.count) return true;
      w.resolve();
      return false;
    });
  }

  /** Resolves once at least `count` non-silence packets have arrived. */
  waitForPackets(count: number, timeoutMs = 15_000): Promise<void> {
    if (this.packets.length - this.silent >= count) return Promise.resolve();
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
    };
  }

  /** Forgets what was heard (e.g. between test phases). */
  clear(): void {
    this.packets.length = 0;
    this.pending.length = 0;
    this.chunks.length = 0;
    this.silent = 0;
    this.lastAudioAt = undefined;
    this.decoder?.reset();
  }
}
