// Discord receive → the room: one Opus stream per member who starts speaking, decoded straight to
// the model's rate and handed over frame by frame; the stream's end is the speaker's stop. A frame
// still end-to-end encrypted (the bot is not in the call's MLS group yet, or its keys are stale)
// never reaches the decoder; what gets through and what does not is told to the connection guard.
import { EndBehaviorType, type VoiceConnection } from '@discordjs/voice';
import { createOpusDecoder, type OpusDecoder } from '@troupe/opus';
import { type Clock, FALLBACK_SPEAKER_NAME, MODEL_RATE, type Room } from '@troupe/realtime-core';
import type { VoiceBasedChannel } from 'discord.js';
import type { Logger } from 'pino';
import type { ConnectionWatch } from './connection-guard.ts';
import { admitReceivedFrame } from './e2ee.ts';

/** Discord ends a member's stream after this much silence (it sends nothing while they are quiet). */
const STREAM_END_SILENCE_MS = 100;

interface Member {
  userId: string;
  displayName: string;
  decoder: OpusDecoder;
  packets: number;
  speaking: boolean;
  /** A stream end not yet told to the room (see #stopped). */
  pendingStop: unknown;
}

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
      speaking: m.speaking,
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
    m.speaking = true;
    const stream = receiver.subscribe(userId, {
      end: { behavior: EndBehaviorType.AfterSilence, duration: STREAM_END_SILENCE_MS },
    });
    stream.on('data', (packet: Buffer) => {
      // The member is still talking: the end just seen was a stall's, not theirs (see #stopped).
      if (m.pendingStop !== undefined) {
        this.#d.clock.clearTimeout(m.pendingStop);
        m.pendingStop = undefined;
      }
      // Still DAVE-encrypted: not Opus, never for the decoder.
      if (!admitReceivedFrame(this.#d.connection, packet)) return this.#d.guard()?.undecryptable();
      this.#d.guard()?.delivered(packet);
      const receivedAt = this.#d.clock.now();
      m.packets++;
      const pcm = m.decoder.decode(packet);
      // Corrupt: counted by the decoder, and the stream lives on.
      if (pcm) this.#room?.hear(userId, { pcm, sampleRate: MODEL_RATE, channels: 1, receivedAt });
    });
    stream.on('end', () => this.#stopped(m));
    stream.on('error', (err) => {
      this.#d.logger.warn(
        { err: err.message, userId },
        'voice receive stream failed; waiting for the next speech',
      );
      this.#d.guard()?.receiveError(err);
      // A broken stream never emits 'end': without this the member would keep the floor.
      this.#stopped(m);
    });
  }

  /**
   * A stream ended. Told to the room one event-loop turn later, and only if no packet of theirs
   * arrived meanwhile: when this process stalls (GC, a busy moment) for more than the stream's
   * 100 ms, the library's end timer fires before the datagrams queued during the stall are read,
   * and taking that end at its word would cut a sentence in two turns with trailing silence inside.
   */
  #stopped(m: Member): void {
    if (m.pendingStop !== undefined) return;
    m.pendingStop = this.#d.clock.setTimeout(() => {
      m.pendingStop = undefined;
      m.speaking = false;
      if (!this.#closed) this.#room?.speakerStopped(m.userId);
    }, 0);
  }

  #member(userId: string, displayName: string): Member {
    let m = this.#members.get(userId);
    if (!m) {
      const decoder = createOpusDecoder({ sampleRate: MODEL_RATE, channels: 1 });
      m = { userId, displayName, decoder, packets: 0, speaking: false, pendingStop: undefined };
      this.#members.set(userId, m);
    }
    m.displayName = displayName;
    return m;
  }
}
