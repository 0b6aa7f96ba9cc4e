// An ensemble scene in a voice channel: each character its own model session and voice, opened
// when the scene first needs it (within the scene's and the process's session budgets), with turn
// detection off (the room ends each turn and asks the character the director picked) and no
// history of its own (the room restores the scene's lines into every new connection).
import {
  type Clock,
  type Persona,
  personaToSessionConfig,
  RealtimeSession,
  type RestoredLine,
  Room,
  type SceneCharacter,
  type SceneSessions,
} from '@troupe/realtime-core';
import type { Logger } from 'pino';
import type { GuildVad } from '../voice-port.ts';
import { createOpusFrameSink, type OpusPacketTarget, playbackOutput } from './opus-frame-sink.ts';
import {
  type ChannelManagerOptions,
  type ChannelSceneSettings,
  DEFAULT_MAX_CAST,
  roomTuning,
  type VoiceTuning,
} from './types.ts';

const HAN = /\p{Script=Han}/u;

/**
 * The scene's view of a persona. Each Chinese part of a name answers on its own ("老柳" of
 * "说书人 老柳"): the address book joins a name's Han characters, and people call a character by
 * one part. Latin names need no help (their distinctive words already answer).
 */
export function sceneCharacter(persona: Persona): SceneCharacter {
  const parts = persona.name
    .split(/[\s·・,，]+/u)
    .filter((p) => p !== persona.name && [...p].filter((c) => HAN.test(c)).length >= 2);
  return { id: persona.id, name: persona.name, persona, ...(parts.length ? { aliases: parts } : {}) };
}

/** Opens the characters' sessions; `lastError` is why the latest one could not be opened. */
export interface SceneSessionFactory extends SceneSessions {
  readonly lastError: unknown;
}

export function sceneSessions(
  options: ChannelManagerOptions,
  logger: Logger,
  onSession: (session: RealtimeSession, character: SceneCharacter) => void,
): SceneSessionFactory {
  let lastError: unknown;
  return {
    get lastError() {
      return lastError;
    },
    async open(character) {
      // Every character the scene plays comes from sceneCharacter(): it has its persona.
      const persona = character.persona as Persona;
      const session = new RealtimeSession({
        url: options.realtime.url,
        model: options.realtime.model,
        apiKey: options.realtime.apiKey,
        config: { ...personaToSessionConfig(persona), inputTranscription: true, turnDetection: null },
        history: { maxItems: 0 },
        logger: logger.child({ character: character.id }),
        ...(options.transportFactory ? { transportFactory: options.transportFactory } : {}),
      });
      onSession(session, character);
      try {
        await session.connect();
      } catch (err) {
        lastError = err;
        session.close();
        throw err;
      }
      return session;
    },
    close(_character, port) {
      (port as RealtimeSession).close();
    },
  };
}

export interface SceneRoomDeps {
  /** The guild's VAD: its silence ends a player's turn. */
  vad?: GuildVad | undefined;
  characters: readonly Persona[];
  memory: Readonly<Record<string, readonly RestoredLine[]>>;
  sessions: SceneSessions;
  settings: ChannelSceneSettings;
  options: ChannelManagerOptions;
  target: OpusPacketTarget;
  tuning: VoiceTuning;
  clock: Clock;
  logger: Logger;
  isOptedOut(userId: string): boolean;
  /** People in the channel (addressed-only scenes answer one person whatever they say). */
  peoplePresent(): number;
  /** The lead greets once connected (a scene started by /join). */
  greet: boolean;
}

export function createSceneRoom(d: SceneRoomDeps): Room {
  const limits = d.options.scenes ?? {};
  const maxCast = limits.maxCast ?? DEFAULT_MAX_CAST;
  return new Room({
    scene: {
      characters: d.characters.map(sceneCharacter),
      sessions: d.sessions,
      ...(limits.budget ? { budget: limits.budget } : {}),
      maxCast,
      maxLiveSessions: Math.min(limits.maxLiveSessions ?? maxCast, maxCast),
      mode: d.settings.mode,
      addressedOnly: d.settings.addressedOnly,
      memory: d.memory,
      greet: d.greet,
      peoplePresent: () => d.peoplePresent(),
      timestamp: d.options.now ?? Date.now,
    },
    sink: createOpusFrameSink(d.target, d.tuning.playbackFormat, d.tuning.opusComplexity),
    output: playbackOutput(d.tuning.playbackFormat),
    clock: d.clock,
    logger: d.logger,
    isOptedOut: (userId) => d.isOptedOut(userId),
    tuning: roomTuning(d.tuning, d.vad),
  });
}
