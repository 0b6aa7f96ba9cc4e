/**
 * The media plane, as Discord's SFU does it: simulated users' speech to every bot in their channel,
 * each bot's packets to the other bots and to the simulated listeners. Frames are end-to-end
 * encrypted by the simulated users' DAVE clients in DAVE calls; the SFU only re-seals transport.
 */
import { isSilenceFrame } from '@troupe/opus';
import { VoiceOpcodes } from 'discord-api-types/voice/v8';
import { sineTone } from './audio/signal.ts';
import type { World } from './model/world.ts';
import { buildRtpPacket, type ParsedRtp, type RtpPacketSpec } from './rtp/rtp.ts';
import { looksLikeDaveFrame } from './users/dave-participant.ts';
import { type E2eeFate, Listener } from './users/listener.ts';
import { type SpeakInput, toSpeakSource } from './users/speak-input.ts';
import {
  encodeSpeech,
  type RtpSenderState,
  type SpeakOptions,
  type SpeakResult,
  speakPcm,
} from './users/speaker.ts';
import type { DaveHub } from './voice/dave-hub.ts';
import { type PreparedVoiceFuzz, runVoiceFuzz } from './voice/fuzz-driver.ts';
import { planVoiceFuzz, type VoiceFuzzOptions } from './voice/voice-fuzz.ts';
import type { VoiceServer } from './voice/voice-server.ts';
import type { VoiceSession } from './voice/voice-session.ts';

export class VoiceMedia {
  private readonly world: World;
  private readonly voice: VoiceServer;
  private readonly dave: DaveHub;
  private readonly listeners = new Map<string, Listener>();
  private readonly senders = new Map<string, RtpSenderState>();
  private fuzzFrames: readonly Uint8Array[] | undefined;
  /** Per bot session: the last RTP sequence seen, and the last one still sealed for an old epoch. */
  private readonly lastSeq = new Map<VoiceSession, number>();
  private readonly oldEpochUntil = new Map<VoiceSession, number>();

  constructor(world: World, voice: VoiceServer, dave: DaveHub) {
    this.world = world;
    this.voice = voice;
    this.dave = dave;
  }

  /** What `userId` hears from bot `fromId`. */
  listener(userId: string, fromId: string): Listener {
    const key = `${userId}:${fromId}`;
    let l = this.listeners.get(key);
    if (!l) {
      l = new Listener(userId);
      this.listeners.set(key, l);
    }
    return l;
  }

  /** The voice channel a user sits in. */
  channelOf(userId: string): string | undefined {
    for (const g of this.world.guilds.values()) {
      const v = g.voiceStates.get(userId);
      if (v) return v.channelId;
    }
    return undefined;
  }

  /** Bot sessions ready for media in the user's channel. */
  botSessionsFor(userId: string): VoiceSession[] {
    const channelId = this.channelOf(userId);
    if (!channelId) return [];
    return this.voice
      .sessionsInChannel(channelId)
      .filter((s) => s.ws && s.key && s.mode && s.userId !== userId);
  }

  async speak(userId: string, input: SpeakInput, opts: SpeakOptions = {}): Promise<SpeakResult> {
    const source = toSpeakSource(input);
    const sender = this.senderFor(userId);
    const transmit = (spec: RtpPacketSpec) => {
      const targets = this.botSessionsFor(userId);
      if (targets.length === 0) return false;
      // One end-to-end encrypted frame, forwarded to every receiver with its own transport key.
      const opus = this.dave.participant(userId)?.encrypt(spec.opus) ?? spec.opus;
      let delivered = false;
      for (const s of targets) {
        this.mapSpeaker(s, userId, sender.ssrc);
        if (this.voice.sendRtp(s, this.seal(s, { ...spec, opus }))) delivered = true;
      }
      return delivered;
    };
    for (const s of this.botSessionsFor(userId)) this.mapSpeaker(s, userId, sender.ssrc);
    return speakPcm(source, sender, transmit, opts);
  }

  /** See {@link DiscordSim.prepareVoiceFuzz}. */
  async prepareVoiceFuzz(
    userId: string,
    target: VoiceSession,
    opts: VoiceFuzzOptions & { gapMs?: number; batch?: number },
  ): Promise<PreparedVoiceFuzz> {
    if (!target.key || !target.mode || !target.udp)
      throw new Error('prepareVoiceFuzz: the bot has no voice connection here yet; join it first');
    const sender = this.senderFor(userId);
    this.mapSpeaker(target, userId, sender.ssrc);
    this.fuzzFrames ??= encodeSpeech(sineTone(330, 500)).opusFrames;
    const known = new Set([target.ssrc, ...[...this.senders.values()].map((x) => x.ssrc)]);
    const participant = target.daveVersion > 0 ? this.dave.participant(userId) : undefined;
    const ctx = { mode: target.mode, key: target.key, sender, knownSsrcs: known, frames: this.fuzzFrames };
    const plan = planVoiceFuzz(
      {
        ...ctx,
        nextCounter: () => this.nextNonce(target),
        ...(participant ? { seal: (opus: Uint8Array) => participant.encrypt(opus) } : {}),
      },
      opts,
    );
    return {
      plan,
      run: () =>
        runVoiceFuzz(plan, (d) => this.voice.sendRawToBot(target, d, opts.batch), {
          seed: opts.seed,
          gapMs: opts.gapMs ?? 150,
        }),
    };
  }

  /** A bot's packet: to every simulated listener in its channel, and relayed to the other bots. */
  onBotPacket(s: VoiceSession, p: ParsedRtp, atMs: number): void {
    const guild = this.world.guilds.get(s.guildId);
    if (!guild) return;
    if (s.daveVersion > 0 && !isSilenceFrame(p.opus) && !looksLikeDaveFrame(p.opus))
      this.voice.stats.unencryptedFromBot++;
    const rekeying =
      this.dave.session(s.channelId)?.pendingTransition !== undefined || this.sealedForOldEpoch(s, p);
    this.lastSeq.set(s, p.sequence);
    for (const v of guild.voiceStates.values()) {
      if (v.userId === s.userId || v.channelId !== s.channelId || v.selfDeaf) continue;
      if (this.world.users.get(v.userId)?.bot) continue;
      const { opus, fate } = this.openFor(v.userId, s, p.opus);
      const frame = {
        bytes: p.opus.length,
        sequence: p.sequence,
        timestamp: p.timestamp,
        e2ee: fate,
        rekeying,
      };
      this.listener(v.userId, s.userId).push(opus, frame, atMs);
    }
    for (const other of this.voice.sessionsInChannel(s.channelId)) {
      if (other === s || !other.ws || !other.key || !other.udp) continue;
      this.mapSpeaker(other, s.userId, s.ssrc);
      const spec = { sequence: p.sequence, timestamp: p.timestamp, ssrc: s.ssrc, opus: p.opus };
      if (this.voice.sendRtp(other, this.seal(other, spec))) this.voice.stats.relayed++;
    }
  }

  /**
   * A transition executed in `channelId`: a sender that already sealed its next frame (the
   * @discordjs/voice player prepares one packet ahead) still sends that one with the old keys.
   */
  transitionExecuted(channelId: string): void {
    for (const s of this.voice.sessionsInChannel(channelId)) {
      const last = this.lastSeq.get(s);
      if (last !== undefined) this.oldEpochUntil.set(s, (last + 1) & 0xffff);
    }
  }

  private sealedForOldEpoch(s: VoiceSession, p: ParsedRtp): boolean {
    const until = this.oldEpochUntil.get(s);
    if (until === undefined) return false;
    if (((until - p.sequence) & 0xffff) < 0x8000) return true;
    this.oldEpochUntil.delete(s);
    return false;
  }

  /** op 5 Speaking maps a speaker's SSRC for a receiver, once, as Discord does. */
  mapSpeaker(s: VoiceSession, userId: string, ssrc: number): void {
    if (s.mapped.has(userId)) return;
    s.mapped.add(userId);
    this.voice.send(s, VoiceOpcodes.Speaking, { user_id: userId, ssrc, speaking: 1, delay: 0 });
  }

  private openFor(
    listenerId: string,
    from: VoiceSession,
    frame: Uint8Array,
  ): { opus: Uint8Array | undefined; fate: E2eeFate } {
    if (from.daveVersion === 0) return { opus: frame, fate: 'transport-only' };
    const participant = this.dave.participant(listenerId);
    if (participant) {
      const out = participant.decrypt(from.userId, frame);
      return { opus: out.kind === 'undecryptable' ? undefined : out.opus, fate: out.kind };
    }
    if (looksLikeDaveFrame(frame)) return { opus: undefined, fate: 'undecryptable' };
    return { opus: frame, fate: isSilenceFrame(frame) ? 'silence' : 'unencrypted' };
  }

  private seal(s: VoiceSession, spec: RtpPacketSpec): Uint8Array {
    if (!s.mode || !s.key) throw new Error('seal: session has no transport key');
    return buildRtpPacket(s.mode, s.key, spec, this.nextNonce(s));
  }

  private nextNonce(s: VoiceSession): number {
    s.nonce = (s.nonce + 1) >>> 0;
    return s.nonce;
  }

  private senderFor(userId: string): RtpSenderState {
    let state = this.senders.get(userId);
    if (!state) {
      state = { ssrc: this.voice.allocateSsrc(), sequence: (userId.length * 7919) & 0xffff, timestamp: 0 };
      this.senders.set(userId, state);
    }
    return state;
  }
}
