// A scene's edges: the characters, the model sessions it opens for them, the session budget, what
// it tells its owner (lines for memory, who was chosen to answer, budget decisions) and the
// controls an owner has (`/scene add|remove|list|mode|next`). Types only.
import type { Persona } from '../../persona/schema.ts';
import type { ModelAudioMeta, ModelError, ModelPort, ModelTranscript } from '../ports.ts';
import type { DirectionReason, SceneMode } from './director.ts';

export type { SceneMode } from './director.ts';

export interface SceneCharacter {
  /** Stable id (e.g. the persona id): memory, budget and events use it. */
  id: string;
  /** Its name in the scene: transcripts, labels and the `[Name]` of its lines. */
  name: string;
  /** Other names it answers to: nicknames, short names, other scripts ("captain", "玛拉"). */
  aliases?: readonly string[];
  /** Renders its instructions per speaker, its greeting and its lore; without one the room leaves instructions alone. */
  persona?: Persona;
  /** 0–1, how readily it speaks up unaddressed (`natural` mode). Default: the card's, else 0.5. */
  talkativeness?: number;
}

/** A character's model session as a scene drives it (RealtimeSession satisfies it structurally). */
export interface ScenePort extends ModelPort {
  /** Commits the audio appended since the last commit as one user item (the session's turn detection is off). */
  commit(): void;
  /** `user`: labels and others' lines; `assistant`: the character's own restored lines; `system`: notes. */
  addText(role: 'user' | 'assistant' | 'system', text: string): void;
  /** Replaces the session instructions (a session.update). */
  setInstructions?(instructions: string): void;
  /** The provider honours `instructions` in response.create (the profile's `responseInstructions`). */
  readonly perResponseInstructions?: boolean;
  on(event: 'audio', listener: (pcm: Int16Array, meta: ModelAudioMeta) => void): unknown;
  on(event: 'audioDone', listener: (meta: ModelAudioMeta) => void): unknown;
  on(event: 'responseCreated', listener: (event: { responseId: string }) => void): unknown;
  on(event: 'responseDone', listener: (event: { responseId: string }) => void): unknown;
  on(event: 'committed', listener: (event: { itemId: string }) => void): unknown;
  on(event: 'transcript', listener: (event: ModelTranscript) => void): unknown;
  on(event: 'error', listener: (error: ModelError) => void): unknown;
  /** A new connection replaced the capped one (nothing replayed: the scene restores it). */
  on(event: 'rolledOver', listener: () => void): unknown;
  /** A new connection after a drop, a voice change or a reset. */
  on(event: 'reconnected', listener: (event: { reason: string }) => void): unknown;
  off(event: 'audio', listener: (pcm: Int16Array, meta: ModelAudioMeta) => void): unknown;
  off(event: 'audioDone', listener: (meta: ModelAudioMeta) => void): unknown;
  off(event: 'responseCreated', listener: (event: { responseId: string }) => void): unknown;
  off(event: 'responseDone', listener: (event: { responseId: string }) => void): unknown;
  off(event: 'committed', listener: (event: { itemId: string }) => void): unknown;
  off(event: 'transcript', listener: (event: ModelTranscript) => void): unknown;
  off(event: 'error', listener: (error: ModelError) => void): unknown;
  off(event: 'rolledOver', listener: () => void): unknown;
  off(event: 'reconnected', listener: (event: { reason: string }) => void): unknown;
}

/**
 * Opens and closes the characters' model sessions. A session must be opened with turn detection
 * off (`turnDetection: null`: the room commits each turn and asks for replies itself; server VAD
 * would answer every turn with every character) and with no history of its own to replay
 * (`history: { maxItems: 0 }`: the room restores the scene as text on every new connection).
 */
export interface SceneSessions {
  /** A connected session for `character`; rejects when it cannot be opened. */
  open(character: SceneCharacter): Promise<ScenePort>;
  close(character: SceneCharacter, port: ScenePort): void;
}

/** Concurrent model sessions, shared by every scene of a process (StepFun's lowest tier allows 5 per account). */
export interface SessionBudget {
  readonly limit: number;
  readonly inUse: number;
  /** Takes a slot; false when none is free. */
  tryAcquire(): boolean;
  release(): void;
}

export interface SceneOptions {
  characters: readonly SceneCharacter[];
  sessions: SceneSessions;
  /** The process-wide budget (shared by every room); without one only `maxLiveSessions` bounds a scene. */
  budget?: SessionBudget;
  /** Most characters in the scene. Default 3. */
  maxCast?: number;
  /** Most of this scene's sessions connected at once. Default `maxCast`. */
  maxLiveSessions?: number;
  /** Who answers an unaddressed turn. Default `lead`. */
  mode?: SceneMode;
  /** The lead character's id. Default the first. */
  lead?: string;
  /** Characters answer only when addressed by name, or when one person is present. */
  addressedOnly?: boolean;
  /** Most character lines per player turn (answers and reactions together). Default 2. */
  maxCharacterTurns?: number;
  /** How long a closed turn waits for its transcript before the director decides without it. Default 1200 ms. */
  transcriptWaitMs?: number;
  /** How long a character's reply may take to arrive and play before the scene moves on. Default 30 s. */
  stepTimeoutMs?: number;
  /** Stored lines of the starting characters, by character id (what `add`'s `memory` is for later ones). */
  memory?: Readonly<Record<string, readonly RestoredLine[]>>;
  /** Restored scene text per (re)connection, in characters (newest kept). Default 4000. */
  memoryChars?: number;
  /** Connect every character at the start (within the budget) rather than the lead alone. */
  eager?: boolean;
  /** The lead greets the room (its card's greeting) once connected. */
  greet?: boolean;
  /** People present (the channel's members); default: the speakers heard in the last ten minutes. */
  peoplePresent?: () => number;
  /** In [0, 1): natural order, greetings, lore probability. Default Math.random. */
  random?: () => number;
  /** Timestamps of scene lines (e.g. Date.now for storage). Default the room's clock. */
  timestamp?: () => number;
}

/** One line of the scene, for memory. */
export interface SceneLine {
  speakerKind: 'player' | 'character';
  /** A player's speaker id, or the character's id. */
  speakerId: string;
  /** The player's room label, or the character's name. */
  speakerName: string;
  text: string;
  at: number;
  /** The characters in the scene when it was said: whose memory it belongs to. */
  heardBy: string[];
}

/** A stored line handed back to a character that joins or returns. */
export type RestoredLine = Omit<SceneLine, 'heardBy'>;

export interface SessionBudgetEvent {
  type: 'connected' | 'evicted' | 'denied' | 'failed' | 'closed';
  characterId: string;
  /** This scene's connected sessions after the decision. */
  live: number;
  sceneLimit: number;
  processInUse?: number;
  processLimit?: number;
  /** What happened and what a server on this budget gets, in a sentence for logs and admins. */
  message: string;
}

export interface DirectedEvent {
  cause: 'player' | 'reaction' | 'forced';
  speakers: string[];
  reason: DirectionReason | 'reaction' | 'forced' | 'fallback';
  /** The player label (or character name) being answered. */
  answering?: string;
}

export type SceneEvents = {
  /** A line said in the scene (never an opted-out speaker's): store it under each of `heardBy`. */
  line: [line: SceneLine];
  directed: [event: DirectedEvent];
  sessionBudget: [event: SessionBudgetEvent];
};

export interface SceneMemberStatus {
  id: string;
  name: string;
  lead: boolean;
  live: boolean;
  talkativeness: number;
}

export interface SceneSettings {
  mode: SceneMode;
  lead: string | undefined;
  addressedOnly: boolean;
  maxCharacterTurns: number;
}

/** What an owner can do with a scene. */
export interface SceneControl {
  /** Adds a character (its stored lines in `memory`; `greet`: it greets once connected). Throws when full or a duplicate. */
  add(character: SceneCharacter, options?: { memory?: readonly RestoredLine[]; greet?: boolean }): void;
  /** Removes a character, stopping it if it speaks; its session is closed. False when it was not there. */
  remove(id: string): boolean;
  list(): SceneMemberStatus[];
  readonly settings: SceneSettings;
  setMode(mode: SceneMode): void;
  setLead(id: string): void;
  setAddressedOnly(on: boolean): void;
  /** `/scene next`: the named character (or the next one in turn) speaks now. False when it cannot. */
  next(id?: string): boolean;
  /** Asks a character to speak with `instruction` (a greeting, an announcement). */
  ask(id: string, instruction: string): void;
  /** Settles when the sessions opened at the start are connected (or could not be). */
  ready(): Promise<void>;
}
