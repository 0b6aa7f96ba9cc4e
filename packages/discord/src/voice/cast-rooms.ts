// The two kinds of room a channel plays in, built from what the channel has: one character on its
// own session (server VAD, today's behaviour) or a scene. Building never touches the room that
// plays now; channel-cast.ts decides when one replaces the other.
import {
  type Clock,
  chooseGreeting,
  injectTail,
  type Persona,
  type RealtimeSession,
  type RestoredLine,
  type Room,
  renderPostHistoryInstructions,
} from '@troupe/realtime-core';
import type { Logger } from 'pino';
import type { AddOutcome, GuildVad, SceneView } from '../voice-port.ts';
import { createChannelRoom, createModelSession } from './channel-room.ts';
import type { OpusPacketTarget } from './opus-frame-sink.ts';
import { createSceneRoom, type SceneSessionFactory, sceneSessions } from './scene-room.ts';
import {
  type ChannelManagerOptions,
  type ChannelSceneSettings,
  DEFAULT_MAX_CAST,
  VoiceBudgetError,
  type VoiceTuning,
} from './types.ts';

export interface SoloState {
  kind: 'solo';
  room: Room;
  model: RealtimeSession;
  persona: Persona;
}

export interface SceneState {
  kind: 'scene';
  room: Room;
  /** In cast order. */
  personas: Persona[];
  sessions: SceneSessionFactory;
}

/** What building a room needs from the channel. */
export interface RoomKit {
  options: ChannelManagerOptions;
  tuning: VoiceTuning;
  clock: Clock;
  logger: Logger;
  target: OpusPacketTarget;
  settings: ChannelSceneSettings;
  vad?: GuildVad | undefined;
  isOptedOut(userId: string): boolean;
  peoplePresent(): number;
  /** Every model session opened for the channel (reconnect and error events for metrics and logs). */
  session(session: RealtimeSession): void;
}

export function maxCast(options: ChannelManagerOptions): number {
  return options.scenes?.maxCast ?? DEFAULT_MAX_CAST;
}

/**
 * One character, connected, its memory restored before anything is said (then its card's
 * post-history instructions). Holds one of the process's sessions until `releaseSolo`.
 */
export async function buildSolo(k: RoomKit, persona: Persona, memory: RestoredLine[]): Promise<SoloState> {
  const budget = k.options.scenes?.budget;
  if (budget && !budget.tryAcquire()) throw new VoiceBudgetError(budget.limit);
  const model = createModelSession(persona, k.options, k.tuning, k.logger, k.vad);
  k.session(model);
  const state: SoloState = { kind: 'solo', model, persona, room: undefined as unknown as Room };
  state.room = createChannelRoom({
    persona: () => state.persona,
    model,
    target: k.target,
    tuning: k.tuning,
    clock: k.clock,
    logger: k.logger,
    isOptedOut: k.isOptedOut,
    vad: k.vad,
  });
  try {
    await model.connect();
  } catch (err) {
    state.room.end('error');
    releaseSolo(k, state);
    throw err;
  }
  injectTail(model, persona.id, memory, renderPostHistoryInstructions(persona));
  return state;
}

export function releaseSolo(k: RoomKit, state: SoloState): void {
  state.model.close();
  k.options.scenes?.budget?.release();
}

/** A single character greets the channel with one of its greetings (none: it waits to be spoken to). */
export function greetSolo(state: SoloState): void {
  const g = chooseGreeting(state.persona, { random: Math.random });
  if (g) state.room.prompt(`Greet the people here in character, e.g.: "${g.text}"`);
}

/** A scene of `personas` (the first leads); only the lead connects now, the others when needed. */
export function buildScene(
  k: RoomKit,
  personas: readonly Persona[],
  memory: Record<string, RestoredLine[]>,
  greet: boolean,
): SceneState {
  const sessions = sceneSessions(k.options, k.logger, (s) => k.session(s));
  const room = createSceneRoom({
    characters: personas,
    memory,
    sessions,
    settings: k.settings,
    options: k.options,
    target: k.target,
    tuning: k.tuning,
    clock: k.clock,
    logger: k.logger,
    isOptedOut: k.isOptedOut,
    vad: k.vad,
    peoplePresent: k.peoplePresent,
    greet,
  });
  return { kind: 'scene', room, personas: [...personas], sessions };
}

/** Resolves once the scene's first sessions are up; throws why when none could connect. */
export async function sceneReady(state: SceneState): Promise<void> {
  await state.room.scene?.ready();
  if (state.room.cast.length === 0)
    throw state.sessions.lastError ?? new Error('no character of the scene could connect to the voice model');
}

/** Resolves once `room` plays nothing (a reply finished), or after `maxMs`: a rebuild does not cut a line. */
export async function untilQuiet(room: Room, maxMs = 8000): Promise<void> {
  for (let waited = 0; waited < maxMs && room.status().playback !== 'idle'; waited += 50)
    await new Promise((resolve) => setTimeout(resolve, 50));
}

/** What became of a character added to a scene: its first budget decision. */
export function addOutcome(room: Room, characterId: string, timeoutMs = 20_000): Promise<AddOutcome> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => done('waiting'), timeoutMs);
    const onBudget = (e: { type: string; characterId: string }) => {
      if (e.characterId !== characterId) return;
      if (e.type === 'connected') done('connected');
      else if (e.type === 'denied') done('waiting');
      else if (e.type === 'failed') done('failed');
    };
    const done = (outcome: AddOutcome) => {
      clearTimeout(timer);
      room.off('sessionBudget', onBudget);
      resolve(outcome);
    };
    room.on('sessionBudget', onBudget);
  });
}

/** The view of a channel with no room (ending, or not started yet). */
export function emptyView(options: ChannelManagerOptions, settings: ChannelSceneSettings): SceneView {
  const cast = maxCast(options);
  const { mode, addressedOnly } = settings;
  return {
    kind: 'solo',
    characters: [],
    mode,
    addressedOnly,
    maxCast: cast,
    sessions: { live: 0, sceneLimit: cast },
  };
}

/** `/scene list`'s view of either kind of room. */
export function viewOf(
  state: SoloState | SceneState,
  options: ChannelManagerOptions,
  settings: ChannelSceneSettings,
): SceneView {
  const cast = maxCast(options);
  const budget = options.scenes?.budget;
  const processUse = budget ? { processInUse: budget.inUse, processLimit: budget.limit } : {};
  const sceneLimit = Math.min(options.scenes?.maxLiveSessions ?? cast, cast);
  const common = { mode: settings.mode, addressedOnly: settings.addressedOnly, maxCast: cast };
  if (state.kind === 'solo') {
    const live = state.model.state.status === 'ready';
    const { id, name } = state.persona;
    return {
      kind: 'solo',
      characters: [{ id, name, lead: true, live }],
      ...common,
      sessions: { live: live ? 1 : 0, sceneLimit, ...processUse },
    };
  }
  const list = state.room.scene?.list() ?? [];
  return {
    kind: 'scene',
    characters: list.map(({ id, name, lead, live }) => ({ id, name, lead, live })),
    ...common,
    sessions: { live: list.filter((m) => m.live).length, sceneLimit, ...processUse },
  };
}
