import { EventEmitter } from 'node:events';
import type { Persona } from '@troupe/realtime-core';
import type { VoiceBasedChannel } from 'discord.js';
import { END_MESSAGES } from '../voice/connection-guard.ts';
import { SceneChangeError, VoiceBusyError } from '../voice/types.ts';
import type {
  AddOutcome,
  ChannelScene,
  JoinOptions,
  LeaveReason,
  SceneView,
  VoiceEvents,
  VoiceManagerPort,
  VoiceSessionPort,
  VoiceStatus,
} from '../voice-port.ts';

/** In-memory stand-in for the ChannelManager: records calls, emits events on demand. */
export class FakeVoice extends EventEmitter implements VoiceManagerPort {
  readonly sessions = new Map<string, FakeSession>();
  readonly left: { guildId: string; reason: string }[] = [];
  readonly channelScenes = new Map<string, ChannelScene>();
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
  channelScene(guildId: string, channelId: string): ChannelScene {
    return {
      ...(this.channelScenes.get(`${guildId}:${channelId}`) ?? { mode: 'lead', addressedOnly: false }),
    };
  }
  async setChannelScene(
    guildId: string,
    channelId: string,
    change: Partial<ChannelScene>,
  ): Promise<ChannelScene> {
    const next = { ...this.channelScene(guildId, channelId), ...change };
    this.channelScenes.set(`${guildId}:${channelId}`, next);
    const s = this.sessions.get(guildId);
    if (s?.channelId === channelId) Object.assign(s.settings, next);
    return next;
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
  characters: Persona[];
  readonly settings: ChannelScene = { mode: 'lead', addressedOnly: false };
  readonly nexts: (string | undefined)[] = [];
  readonly optedOut: string[] = [];
  /** What the next addCharacter reports. */
  addOutcome: AddOutcome = 'connected';
  maxCast = 3;
  constructor(guildId: string, channelId: string, persona: Persona) {
    this.guildId = guildId;
    this.channelId = channelId;
    this.characters = [persona];
  }
  get persona(): Persona {
    return this.characters[0]!;
  }
  set persona(p: Persona) {
    this.characters[0] = p;
  }
  scene(): SceneView {
    return {
      kind: this.characters.length > 1 || this.settings.addressedOnly ? 'scene' : 'solo',
      characters: this.characters.map((p, i) => ({ id: p.id, name: p.name, lead: i === 0, live: true })),
      ...this.settings,
      maxCast: this.maxCast,
      sessions: { live: this.characters.length, sceneLimit: this.maxCast, processInUse: 1, processLimit: 5 },
    };
  }
  async addCharacter(persona: Persona): Promise<AddOutcome> {
    if (this.characters.some((p) => p.id === persona.id)) throw new SceneChangeError('already', 'already');
    if (this.characters.length >= this.maxCast) throw new SceneChangeError('full', 'full');
    this.characters.push(persona);
    return this.addOutcome;
  }
  async removeCharacter(id: string): Promise<void> {
    if (!this.characters.some((p) => p.id === id)) throw new SceneChangeError('absent', 'absent');
    if (this.characters.length === 1) throw new SceneChangeError('last', 'last');
    this.characters = this.characters.filter((p) => p.id !== id);
  }
  nextSpeaker(id?: string): boolean {
    if (id !== undefined && !this.characters.some((p) => p.id === id)) return false;
    this.nexts.push(id);
    return true;
  }
  optOut(userId: string): void {
    this.optedOut.push(userId);
  }
  async setPersona(persona: Persona): Promise<{ newConnection: boolean }> {
    if (this.characters.length > 1) throw new SceneChangeError('inScene', 'in a scene');
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
