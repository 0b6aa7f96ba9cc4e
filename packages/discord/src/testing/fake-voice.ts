import { EventEmitter } from 'node:events';
import type { Persona } from '@troupe/realtime-core';
import type { VoiceBasedChannel } from 'discord.js';
import { END_MESSAGES } from '../voice/connection-guard.ts';
import { VoiceBusyError } from '../voice/types.ts';
import type {
  JoinOptions,
  LeaveReason,
  VoiceEvents,
  VoiceManagerPort,
  VoiceSessionPort,
  VoiceStatus,
} from '../voice-port.ts';

/** In-memory stand-in for the ChannelManager: records calls, emits events on demand. */
export class FakeVoice extends EventEmitter implements VoiceManagerPort {
  readonly sessions = new Map<string, FakeSession>();
  readonly left: { guildId: string; reason: string }[] = [];
  /** The options of every join, in order. */
  readonly joins: JoinOptions[] = [];

  async join(
    channel: VoiceBasedChannel,
    persona: Persona,
    options: JoinOptions = {},
  ): Promise<VoiceSessionPort> {
    this.joins.push(options);
    const existing = this.sessions.get(channel.guildId);
    if (existing && options.exclusive) throw new VoiceBusyError(existing.channelId, existing.persona.name);
    const s = new FakeSession(channel.guildId, channel.id, persona);
    this.sessions.set(channel.guildId, s);
    return s;
  }
  /** Starts a session without a discord.js channel (unit tests). */
  open(guildId: string, channelId: string, persona: Persona): FakeSession {
    const s = new FakeSession(guildId, channelId, persona);
    this.sessions.set(guildId, s);
    return s;
  }
  async leave(guildId: string, reason: LeaveReason = 'left'): Promise<boolean> {
    const s = this.sessions.get(guildId);
    if (!s) return false;
    this.sessions.delete(guildId);
    this.left.push({ guildId, reason });
    // As the ChannelManager words it: a lost lease ends the session as a disconnection.
    this.emit(
      'sessionEnded',
      reason === 'lease-lost'
        ? { guildId, channelId: s.channelId, reason: 'disconnected', message: END_MESSAGES.leaseLost }
        : { guildId, channelId: s.channelId, reason },
    );
    return true;
  }
  get(guildId: string): VoiceSessionPort | undefined {
    return this.sessions.get(guildId);
  }
  async destroyAll(): Promise<void> {
    for (const id of [...this.sessions.keys()]) await this.leave(id);
  }
  override on<K extends keyof VoiceEvents>(event: K, listener: (...args: VoiceEvents[K]) => void): this {
    return super.on(event, listener as (...args: unknown[]) => void);
  }
  override off<K extends keyof VoiceEvents>(event: K, listener: (...args: VoiceEvents[K]) => void): this {
    return super.off(event, listener as (...args: unknown[]) => void);
  }
  fire<K extends keyof VoiceEvents>(event: K, ...args: VoiceEvents[K]): void {
    this.emit(event, ...args);
  }
}

export class FakeSession implements VoiceSessionPort {
  readonly announcements: string[] = [];
  resets = 0;
  readonly guildId: string;
  readonly channelId: string;
  persona: Persona;
  constructor(guildId: string, channelId: string, persona: Persona) {
    this.guildId = guildId;
    this.channelId = channelId;
    this.persona = persona;
  }
  async setPersona(persona: Persona): Promise<{ newConnection: boolean }> {
    const newConnection = persona.voice !== this.persona.voice;
    this.persona = persona;
    return { newConnection };
  }
  async reset(): Promise<void> {
    this.resets++;
  }
  announce(instruction: string): void {
    this.announcements.push(instruction);
  }
  status(): VoiceStatus {
    return {
      persona: { id: this.persona.id, name: this.persona.name },
      channelId: this.channelId,
      sessionAgeMs: 65_000,
      realtimeState: 'ready',
      heard: [
        {
          userId: 'u1',
          displayName: 'Alice',
          speaking: false,
          optedOut: false,
          packets: 120,
          corruptPackets: 0,
        },
      ],
      usage: { inputAudioMs: 4000, outputAudioMs: 6000 },
      turns: [
        {
          speaker: 'Alice',
          speechEndToCommitMs: 210,
          commitToFirstAudioMs: 320,
          firstAudioToFirstPacketMs: 40,
          totalMs: 570,
        },
      ],
    };
  }
}

/** Minimal personas for unit tests. */
export const P = {
  captain: {
    id: 'captain',
    name: 'Captain',
    description: 'A captain',
    instructions: 'Be a captain',
    voice: 'wenrounansheng',
    language: 'en',
  },
  teller: {
    id: 'teller',
    name: '说书人',
    description: '说书',
    instructions: '说书',
    voice: 'elegantgentle-female',
    language: 'zh',
  },
  buddy: {
    id: 'buddy',
    name: 'Buddy',
    description: 'Study',
    instructions: 'Help',
    voice: 'wenrounansheng',
    language: 'en',
  },
} satisfies Record<string, Persona>;

/** A pino-compatible logger that records nothing to the console. */
export function silentLogger() {
  // biome-ignore lint/suspicious/noExplicitAny: structural stand-in for pino.Logger
  const l: any = { level: 'silent' };
  for (const k of ['trace', 'debug', 'info', 'warn', 'error', 'fatal']) l[k] = () => {};
  l.child = () => l;
  return l as import('pino').Logger;
}
