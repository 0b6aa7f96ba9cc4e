// The room's edges: the model sessions it drives, the sink it plays into, and what it tells its owner.
// Everything here is a type: the room reaches no socket, codec or timer except through these.
import type { PcmFrame } from '../audio/frames.ts';
import type { Persona } from '../persona/schema.ts';

export interface ModelAudioMeta {
  responseId: string;
  itemId: string;
}

export interface ModelTranscript {
  role: 'user' | 'assistant';
  itemId: string;
  text: string;
  final: boolean;
}

export interface ModelError {
  code: string;
  message: string;
  recoverable: boolean;
}

/**
 * The slice of a realtime model session a room drives. `RealtimeSession` satisfies it structurally
 * (nothing in the session knows about rooms); a fake in a unit test, or another provider's client, can too.
 * Connecting, persona changes and closing stay with whoever created the session.
 */
export interface ModelPort {
  /** Microphone audio at the room's model rate, mono PCM16. */
  appendAudio(pcm: Int16Array): void;
  /** Drops microphone audio not yet committed, here and at the server (a speaker opting out mid-turn). */
  clear(): void;
  /** A text item, e.g. the `[Ann]` label that opens a speaker's turn. */
  addText(role: 'user', text: string): void;
  /** Asks for a reply now; the room only calls it while no reply of this model is in progress. */
  createResponse(options?: { instructions?: string }): void;
  /** Stops the reply in flight (a no-op when none is). */
  cancelResponse(): void;
  /** Cuts a reply item at what the listeners actually heard of it. */
  truncate(itemId: string, audioEndMs: number): void;
  on(event: 'audio', listener: (pcm: Int16Array, meta: ModelAudioMeta) => void): unknown;
  on(event: 'audioDone', listener: (meta: ModelAudioMeta) => void): unknown;
  on(event: 'responseCreated', listener: (event: { responseId: string }) => void): unknown;
  on(event: 'responseDone', listener: (event: { responseId: string }) => void): unknown;
  on(event: 'committed', listener: (event: { itemId: string }) => void): unknown;
  on(event: 'transcript', listener: (event: ModelTranscript) => void): unknown;
  on(event: 'error', listener: (error: ModelError) => void): unknown;
  off(event: 'audio', listener: (pcm: Int16Array, meta: ModelAudioMeta) => void): unknown;
  off(event: 'audioDone', listener: (meta: ModelAudioMeta) => void): unknown;
  off(event: 'responseCreated', listener: (event: { responseId: string }) => void): unknown;
  off(event: 'responseDone', listener: (event: { responseId: string }) => void): unknown;
  off(event: 'committed', listener: (event: { itemId: string }) => void): unknown;
  off(event: 'transcript', listener: (event: ModelTranscript) => void): unknown;
  off(event: 'error', listener: (error: ModelError) => void): unknown;
}

/**
 * One character in the room: a name and the model session that speaks as it. A room holds a cast so
 * that an ensemble scene (several characters, one speaking at a time, a director choosing who
 * answers) extends it rather than replacing it; today's rooms play a cast of one.
 */
export interface CastMember {
  /** Transcripts of its replies go out under this name; no speaker label may equal it. Read each time (a getter may follow a persona switch). */
  readonly name: string;
  readonly model: ModelPort;
  /**
   * The character it plays, read each time (a persona switch). With a card, a single character's
   * instructions follow the speaker and the lorebook (see solo-cards.ts); scenes take theirs from
   * the scene's characters.
   */
  readonly persona?: Persona | undefined;
}

/** A 20 ms frame of a reply, handed to the sink at the moment it is due. */
export interface AudioFrame extends PcmFrame {
  kind: 'audio';
  responseId: string;
  /** The cast member speaking. */
  character: string;
  /** Position in its reply: 0 starts a new reply (reset a codec here, never earlier). */
  index: number;
}

/** A 20 ms frame of silence: an underrun mid-reply, or the trailing frames after one. */
export interface SilenceFrame extends PcmFrame {
  kind: 'silence';
  cause: 'underrun' | 'trailing';
}

export type OutputFrame = AudioFrame | SilenceFrame;

/**
 * Where a room's speech goes. `play` is called once per 20 ms tick with the frame due now; the
 * sink encodes and sends it before returning (just in time: a reply's later frames are never
 * encoded ahead, so a barge-in wastes no work and a new reply cannot disturb the one playing).
 * Frames are lent: copy `pcm` to keep it.
 */
export interface FrameSink {
  play(frame: OutputFrame): void;
  /** The trailing silence is over: nothing more until the next reply (e.g. clear a speaking flag). */
  quiet(): void;
}

export type RoomEndReason = 'left' | 'empty' | 'disconnected' | 'error' | 'cap';

export interface UsageDelta {
  /** Speaker audio sent to the model(s). */
  inputAudioMs: number;
  /** Reply audio played to the listeners. */
  outputAudioMs: number;
}

/** One turn through the pipeline, in milliseconds of the room's clock. */
export interface TurnLatency {
  speaker: string;
  /** Trailing silence sent → the model committed the turn. */
  speechEndToCommitMs?: number;
  /** Commit → the reply's first audio arrived. */
  commitToFirstAudioMs?: number;
  /** First reply audio arrived → its first frame went to the sink. */
  firstAudioToFirstPacketMs?: number;
  /** Trailing silence sent → first reply frame played. */
  totalMs?: number;
}

export interface RoomTranscript {
  role: 'user' | 'assistant';
  /** The speaker's room label for user lines; the character's name for its own. */
  speaker: string;
  /** For user lines: the speaker's id (as the transport gave it), when the room knows it. */
  speakerId?: string;
  text: string;
  /** The cast member whose session produced the transcript. */
  character: string;
  /** In a scene, the id of the character a line is by (its name and avatar post it). */
  characterId?: string;
}

export type RoomEvents = {
  transcript: [transcript: RoomTranscript];
  /** Usage not yet reported: emitted as audio is sent and played, and on every end. */
  usage: [delta: UsageDelta];
  /** A turn's latency breakdown, when its reply's first frame is played. */
  turn: [latency: TurnLatency];
  /** A turn's last frame: handed to the room → sent to the model (needs `receivedAt` on frames). */
  inbound: [event: { speakerId: string; ms: number }];
  /** A reply's first model audio → its first frame handed to the sink. */
  replyStarted: [event: { responseId: string; character: string; ms: number }];
  /** A barge-in, reported once its playback has gone quiet: frames sent after the decision (goal 0). */
  bargeIn: [event: { framesAfterDecision: number; truncatedAtMs: number }];
  /** `modelError`: the code of the model's fatal error when that is what ended the room. */
  ended: [event: { reason: RoomEndReason; message?: string; modelError?: string }];
};
