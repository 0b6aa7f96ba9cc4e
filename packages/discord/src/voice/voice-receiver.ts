// Discord receive → the room: one Opus stream per member from their first packet until they leave
// the channel, decoded straight to the model's rate and handed over frame by frame. The stream never
// ends on silence: Discord clients stop sending while their VAD hears a pause, and the library's
// speaking events lag its stream ends, so ending streams on silence loses whole phrases. Pauses and
// turn ends are the room's to judge, from the audio and its arrival times. A frame
// still end-to-end encrypted (the bot is not in the call's MLS group yet, or its keys are stale)
// never reaches the decoder; what gets through and what does not is told to the connection guard.
import { EndBehaviorType, type VoiceConnection } from '@discordjs/voice';
import { createOpusDecoder, type OpusDecoder } from '@troupe/opus';
import { type Clock, FALLBACK_SPEAKER_NAME, MODEL_RATE, type Room } from '@troupe/realtime-core';
import type { VoiceBasedChannel } from 'discord.js';
import type { Logger } from 'pino';
import type { ConnectionWatch } from './connection-guard.ts';
import { admitReceivedFrame } from './e2ee.ts';

interface Member {
  userId: string;
  displayName: string;
  decoder: OpusDecoder;
  packets: number;
  /** Left the channel: their stream is not taken up again. */
  left: boolean;
  /** When a failed stream of theirs was last logged, and how many failures since went unlogged. */
  errorLoggedAt: number;
  errorsSuppressed: number;
}

/** A member's receive failures are logged at most this often. */
const ERROR_LOG_EVERY_MS = 10_000;

export interface ReceiverDeps {
  connection: VoiceConnection;
  channel: VoiceBasedChannel;
  clock: Clock;
  logger: Logger;
  /** The connection guard, once it watches (failing decryption may call for a fresh join). */
  guard(): Pick<ConnectionWatch, 'receiveError' | 'delivered' | 'undecryptable'> | undefined;
}

export class VoiceReceiver {
  readonly #d: ReceiverDeps;
  readonly #members = new Map<string, Member>();
  /** Where speech goes now: a channel may move from one room to another (one character becoming a scene). */
  #room: Room | undefined;
  #closed = false;

  constructor(deps: ReceiverDeps) {
    this.#d = deps;
  }

  start(): void {
    this.#d.connection.receiver.speaking.on('start', (userId) => this.#subscribe(userId));
  }

  close(): void {
    this.#closed = true;
  }

  /** From now on speech goes to `room`; everyone heard so far is introduced to it. */
  playInto(room: Room): void {
    this.#room = room;
    for (const m of this.#members.values()) room.addSpeaker(m.userId, m.displayName);
  }

  /** Everyone heard so far, for `/voice status`. */
  heard(): {
    userId: string;
    displayName: string;
    speaking: boolean;
    packets: number;
    corruptPackets: number;
  }[] {
    return [...this.#members.values()].map((m) => ({
      userId: m.userId,
      displayName: m.displayName,
      // Talking now, as the library sees it (its stream stays open through pauses).
      speaking: this.#d.connection.receiver.speaking.users.has(m.userId),
      packets: m.packets,
      corruptPackets: m.decoder.corruptPackets,
    }));
  }

  #subscribe(userId: string): void {
    const receiver = this.#d.connection.receiver;
    if (receiver.subscriptions.has(userId) || this.#closed) return;
    const member = this.#d.channel.guild.members.cache.get(userId);
    if (member?.user.bot) return;
    const m = this.#member(userId, member?.displayName ?? member?.user.username ?? FALLBACK_SPEAKER_NAME);
    this.#room?.addSpeaker(userId, m.displayName);
    m.left = false;
    const stream = receiver.subscribe(userId, { end: { behavior: EndBehaviorType.Manual } });
    stream.on('data', (packet: Buffer) => {
      // Still DAVE-encrypted: not Opus, never for the decoder.
      const guard = this.#d.guard();
      if (!admitReceivedFrame(this.#d.connection, packet)) return guard?.undecryptable();
      guard?.delivered(packet);
      const receivedAt = this.#d.clock.now();
      m.packets++;
      const pcm = m.decoder.decode(packet);
      // Corrupt: counted by the decoder, and the stream lives on.
      if (pcm) this.#room?.hear(userId, { pcm, sampleRate: MODEL_RATE, channels: 1, receivedAt });
    });
    stream.on('error', (err) => {
      // Once per member per burst of failures: a flood of forged packets must not flood the log.
      const now = this.#d.clock.now();
      if (now - m.errorLoggedAt >= ERROR_LOG_EVERY_MS) {
        this.#d.logger.warn(
          { err: err.message, userId, suppressed: m.errorsSuppressed },
          'voice receive stream failed; receiving again',
        );
        m.errorLoggedAt = now;
        m.errorsSuppressed = 0;
      } else m.errorsSuppressed++;
      this.#d.guard()?.receiveError(err);
    });
    // A broken stream closes, and the library forgets the subscription on 'close' (registered
    // before ours): take the member's very next packet on a new one (their turn stays open; the
    // room ends it when they have been silent long enough). Not after memberLeft or close.
    stream.once('close', () => {
      if (!this.#closed && !m.left) this.#subscribe(userId);
    });
  }

  /**
   * The member left the channel (or the bot did): their stream closes, and their turn ends now
   * rather than after the turn-end silence.
   */
  memberLeft(userId: string): void {
    const m = this.#members.get(userId);
    if (!m) return;
    m.left = true;
    this.#d.connection.receiver.subscriptions.get(userId)?.destroy();
    this.#room?.speakerStopped(userId);
  }

  /** Members whose audio is being received (to tell who left). */
  get receiving(): string[] {
    return [...this.#members.keys()].filter((id) => this.#d.connection.receiver.subscriptions.has(id));
  }

  #member(userId: string, displayName: string): Member {
    let m = this.#members.get(userId);
    if (!m) {
      const decoder = createOpusDecoder({ sampleRate: MODEL_RATE, channels: 1 });
      m = {
        userId,
        displayName,
        decoder,
        packets: 0,
        left: false,
        errorLoggedAt: Number.NEGATIVE_INFINITY,
        errorsSuppressed: 0,
      };
      this.#members.set(userId, m);
    }
    m.displayName = displayName;
    return m;
  }
}
