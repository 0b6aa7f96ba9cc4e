// The room a voice channel plays in, as a state machine: idle, one character (solo), a scene,
// switching from one to the other, ended. The state changes only in install, retire and end; a
// change of cast runs one at a time (serial). Crossing between solo and scene builds the other kind
// of room (rebuild): the old one ends quietly, its usage still counted, and each character's memory
// — stored lines and this session's — goes to the new one. The controls are in channel-cast.ts.
import type { Clock, Persona, RealtimeSession, Room, RoomEndReason } from '@troupe/realtime-core';
import type { Logger } from 'pino';
import type { GuildVad, SceneView } from '../voice-port.ts';
import { CastMemory } from './cast-memory.ts';
import {
  buildScene,
  buildSolo,
  emptyView,
  greetSolo,
  type RoomKit,
  releaseSolo,
  type SceneState,
  type SoloState,
  sceneReady,
  viewOf,
} from './cast-rooms.ts';
import type { OpusPacketTarget } from './opus-frame-sink.ts';
import type { ChannelManagerOptions, ChannelSceneSettings, VoiceTuning } from './types.ts';

export type CastState = { kind: 'idle' } | { kind: 'switching' } | { kind: 'ended' } | SoloState | SceneState;

export interface ChannelCastDeps {
  guildId: string;
  channelId(): string;
  options: ChannelManagerOptions;
  tuning: VoiceTuning;
  clock: Clock;
  logger: Logger;
  target: OpusPacketTarget;
  /** The channel's settings object (the manager keeps it; changes arrive through the setters below). */
  settings: ChannelSceneSettings;
  /** The guild's VAD settings for a single character's session (a scene's room ends turns itself). */
  vad?: GuildVad | undefined;
  /** Runs `then` once what the bot says can be heard (DAVE: once the call's group exists). */
  whenAudible(then: () => void): void;
  peoplePresent(): number;
  /** Every model session opened for the channel. */
  session(session: RealtimeSession): void;
  /** A room plays now: the receiver and the event forwarding follow it. Returns what undoes that. */
  attach(room: Room): () => void;
  /** The playing room ended by itself (a model failure): the channel's session ends. */
  ended(e: { reason: RoomEndReason; message?: string; modelError?: string }): void;
}

export class CastStage {
  readonly memory: CastMemory;
  protected readonly deps: ChannelCastDeps;
  protected readonly kit: RoomKit;
  protected state: CastState = { kind: 'idle' };
  protected detach: () => void = () => {};
  protected usageBefore = { inputAudioMs: 0, outputAudioMs: 0 };
  protected chain: Promise<unknown> = Promise.resolve();

  constructor(d: ChannelCastDeps) {
    this.deps = d;
    const isOptedOut = (userId: string) => d.options.isOptedOut(d.guildId, userId);
    this.kit = { ...d, isOptedOut };
    const now = d.options.now ?? Date.now;
    this.memory = new CastMemory({
      store: d.options.memory,
      guildId: d.guildId,
      channelId: d.channelId,
      now,
      isOptedOut,
      logger: d.logger,
    });
  }

  get room(): Room | undefined {
    return 'room' in this.state ? this.state.room : undefined;
  }

  /** Lead first. */
  get characters(): Persona[] {
    const s = this.state;
    return s.kind === 'solo' ? [s.persona] : s.kind === 'scene' ? [...s.personas] : [];
  }

  /** The character `characterId` names, else the lead. */
  personaOf(characterId?: string): Persona | undefined {
    const all = this.characters;
    return all.find((p) => p.id === characterId) ?? all[0];
  }

  get realtimeState(): string {
    const s = this.state;
    if (s.kind === 'solo') return s.model.state.status;
    if (s.kind === 'scene') return s.room.cast.length > 0 ? 'ready' : 'connecting';
    return s.kind;
  }

  status() {
    const room = this.room?.status();
    const u = room?.usage ?? { inputAudioMs: 0, outputAudioMs: 0 };
    return {
      usage: {
        inputAudioMs: this.usageBefore.inputAudioMs + u.inputAudioMs,
        outputAudioMs: this.usageBefore.outputAudioMs + u.outputAudioMs,
      },
      turns: room?.turns ?? [],
    };
  }

  /** What /scene list shows of a session that has no room (ending, or not started). */
  emptyView(): SceneView {
    return emptyView(this.deps.options, this.deps.settings);
  }

  view(): SceneView | undefined {
    const s = this.state;
    return s.kind === 'solo' || s.kind === 'scene'
      ? viewOf(s, this.deps.options, this.deps.settings)
      : undefined;
  }

  end(reason: RoomEndReason, message?: string, modelError?: string): void {
    const s = this.state;
    this.state = { kind: 'ended' };
    if (s.kind === 'solo' || s.kind === 'scene') s.room.end(reason, message, modelError);
    this.detach();
    if (s.kind === 'solo') releaseSolo(this.kit, s);
  }

  /** Builds the room `personas` need now (memory: theirs, unless `fresh`) in place of the playing one. */
  protected async rebuild(personas: readonly Persona[], greet: boolean, fresh = false): Promise<void> {
    const memory: Record<string, Awaited<ReturnType<CastMemory['recall']>>> = {};
    if (!fresh) for (const p of personas) memory[p.id] = await this.memory.recall(p.id);
    this.retire();
    try {
      if (personas.length === 1 && !this.deps.settings.addressedOnly) {
        const solo = await buildSolo(this.kit, personas[0]!, memory[personas[0]!.id] ?? []);
        this.install(solo);
        if (greet) this.deps.whenAudible(() => this.state === solo && greetSolo(solo));
        return;
      }
      const scene = buildScene(this.kit, personas, memory, greet);
      this.install(scene);
      await sceneReady(scene);
    } catch (err) {
      // The channel has no room left to play in: its session ends with the reason.
      this.deps.ended({ reason: 'error', message: (err as Error).message });
      throw err;
    }
  }

  protected install(next: SoloState | SceneState): void {
    if (this.state.kind === 'ended') {
      // The session ended while this room was being built: it never plays.
      next.room.end('left');
      if (next.kind === 'solo') releaseSolo(this.kit, next);
      throw new Error('the voice session has ended');
    }
    this.state = next;
    const room = next.room;
    const undo = this.deps.attach(room);
    const onEnded = (e: { reason: RoomEndReason; message?: string; modelError?: string }) => {
      if (this.state === next) this.deps.ended(e);
    };
    const onLine = (line: Parameters<CastMemory['sceneLine']>[0]) => this.memory.sceneLine(line);
    const onTranscript = (t: Parameters<CastMemory['soloLine']>[0]) => {
      if (next.kind === 'solo') this.memory.soloLine(t, next.persona);
    };
    room.on('ended', onEnded);
    room.on('line', onLine);
    room.on('transcript', onTranscript);
    this.detach = () => {
      undo();
      room.off('ended', onEnded);
      room.off('line', onLine);
      room.off('transcript', onTranscript);
    };
  }

  /** Ends the playing room quietly (its usage is still reported), before another takes its place. */
  protected retire(): void {
    const s = this.state;
    if (s.kind !== 'solo' && s.kind !== 'scene') return;
    this.state = { kind: 'switching' };
    const u = s.room.status().usage;
    this.usageBefore.inputAudioMs += u.inputAudioMs;
    this.usageBefore.outputAudioMs += u.outputAudioMs;
    s.room.end('left');
    this.detach();
    this.detach = () => {};
    if (s.kind === 'solo') releaseSolo(this.kit, s);
  }

  protected live(): SoloState | SceneState {
    const s = this.state;
    if (s.kind === 'solo' || s.kind === 'scene') return s;
    throw new Error('the voice session has ended');
  }

  protected serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.chain.then(work, work);
    this.chain = run.catch(() => undefined);
    return run;
  }
}
