// The seam between a room and its cast. The room owns the floor, held audio, labels, barge-in and
// playback; a driver owns how speakers' turns reach the characters' model sessions and how their
// replies are asked for: server VAD for a single character (SoloCast), the room's own end of turn
// and a director for a scene (EnsembleCast).
import type { Clock } from '../session/clock.ts';
import type { PlaybackReport } from './pacer.ts';
import type { CastMember, RoomEndReason, RoomEvents } from './ports.ts';
import type { ReplyPlayer } from './reply-player.ts';
import type { SceneEvents } from './scene/scene-types.ts';
import type { TurnLatencyClock } from './turn-latency.ts';

/** Everything a room emits. */
export type AllRoomEvents = RoomEvents & SceneEvents;

export type RoomEmit = <K extends keyof AllRoomEvents>(event: K, ...args: AllRoomEvents[K]) => void;

/** A speaker's turn as the room opened it. */
export interface TurnInfo {
  speakerId: string;
  /** Their unique label in this room (`[Ann]`). */
  label: string;
  /** The label of the speaker whose last words this turn's first words overlapped. */
  overlapping?: string;
  /** Closing: silence already sent at the end of the turn (ms), so the model is owed only the rest. */
  silentTailMs?: number;
}

/** The text item that opens a turn: the speaker's label, and whom they talked over. */
export function turnLabelText(turn: TurnInfo): string {
  return turn.overlapping ? `[${turn.label}, talking over ${turn.overlapping}]` : `[${turn.label}]`;
}

/** What a driver may use of its room. */
export interface RoomSide {
  readonly clock: Clock;
  readonly player: ReplyPlayer;
  readonly latency: TurnLatencyClock;
  readonly modelRate: number;
  emit: RoomEmit;
  ended(): boolean;
  end(reason: RoomEndReason, message?: string, modelError?: string): void;
  flushUsage(): void;
  isOptedOut(speakerId: string): boolean;
  /** Stops whoever speaks (a barge-in the room decides itself). */
  interrupt(): void;
  /** Distinct people (not opted out) the room has heard lately. */
  peopleHeard(): number;
}

export interface CastDriver {
  /** Members whose sessions are connected: labels, audio and barge-in reach these. */
  readonly live: readonly CastMember[];
  /** Every character's name, connected or not (no speaker label may take one). */
  names(): string[];
  turnOpened(turn: TurnInfo): void;
  /** A speaker's audio at the model rate; returns how many model sessions it reached (usage counts each). */
  audio(pcm: Int16Array): number;
  turnClosed(turn: TurnInfo): void;
  /** The open turn's speaker opted out: its uncommitted audio is dropped, here and at the server. */
  turnCleared(): void;
  /** Asks a character to speak (a greeting, an announcement). */
  prompt(instruction: string, character?: CastMember): void;
  /** A reply finished playing, was given up, or a barge-in stopped it. */
  replyEnded(report: PlaybackReport): void;
  /** A barge-in stopped every reply. */
  interrupted(): void;
  speakerOptedOut(speakerId: string): void;
  /** Turns and items still waiting to be attributed (bounded). */
  readonly pendingAttributions: number;
  close(): void;
}
