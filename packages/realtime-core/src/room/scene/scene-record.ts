// What was said in the scene, and who gets to know it. Players' transcripts and characters' heard
// lines go to memory (a `line` event for storage, and the scene's log) and, as `[Name] text`
// items, to the connected characters that did not hear them; a (re)connected character is given
// the tail of the log. An opted-out speaker's words never become a line.
import type { RoomSide } from '../cast-driver.ts';
import { FALLBACK_SPEAKER_NAME, normaliseSpeakerName } from '../speaker-labels.ts';
import type { SceneMember, SceneMembers } from './scene-members.ts';
import { injectTail, SceneLog } from './scene-memory.ts';
import type { PlayerTurn } from './scene-turns.ts';
import type { SceneLine, ScenePort } from './scene-types.ts';

export class SceneRecord {
  readonly log = new SceneLog();
  readonly #side: RoomSide;
  readonly #members: SceneMembers;
  readonly #timestamp: () => number;
  readonly #memoryChars: number;
  /** Whether `characterId`'s session is hearing a player's open turn (its label is out, its audio coming). */
  readonly #inTurn: (characterId: string) => boolean;
  /** Lines held back from sessions hearing an open turn, until it is committed. */
  readonly #held: { member: SceneMember; text: string }[] = [];

  constructor(
    side: RoomSide,
    members: SceneMembers,
    timestamp: (() => number) | undefined,
    memoryChars: number,
    inTurn: (characterId: string) => boolean = () => false,
  ) {
    this.#side = side;
    this.#members = members;
    this.#timestamp = timestamp ?? (() => side.clock.now());
    this.#memoryChars = memoryChars;
    this.#inTurn = inTurn;
  }

  /**
   * The open turn was committed (or dropped): what was said meanwhile goes to the sessions now. A
   * line given while a turn is open would sit between the turn's `[Name]` label and its audio, and
   * the model would take the audio for the line's speaker.
   */
  releaseHeld(): void {
    for (const { member, text } of this.#held.splice(0))
      if (member.seat.status === 'live') member.seat.port.addText('user', text);
  }

  /** A player's turn was transcribed (by `transcriber`'s session). */
  playerSaid(turn: PlayerTurn, text: string, transcriber: SceneMember): void {
    if (this.#side.isOptedOut(turn.speakerId)) return;
    this.#side.emit('transcript', {
      role: 'user',
      speaker: turn.label,
      speakerId: turn.speakerId,
      text,
      character: transcriber.character.name,
    });
    this.#add({ speakerKind: 'player', speakerId: turn.speakerId, speakerName: turn.label, text });
    // Characters connected after the turn opened did not hear it: they read it.
    for (const m of this.#members.all())
      if (m.seat.status === 'live' && !turn.hearers.has(m.character.id))
        this.#tell(m, `[${turn.label}] ${text}`);
  }

  /** A character's reply was transcribed (posted under its name, whatever of it was heard). */
  characterTranscript(m: SceneMember, text: string): void {
    const { id, name } = m.character;
    this.#side.emit('transcript', {
      role: 'assistant',
      speaker: name,
      text,
      character: name,
      characterId: id,
    });
  }

  /** What the listeners heard of a character's line: memory, and every other connected character. */
  characterSaid(m: SceneMember, text: string): void {
    m.cards.spoke();
    const { id, name } = m.character;
    this.#add({ speakerKind: 'character', speakerId: id, speakerName: name, text });
    // Normalised as a player's label is: a character's name cannot close the brackets early either.
    const label = normaliseSpeakerName(name) || FALLBACK_SPEAKER_NAME;
    for (const other of this.#members.all())
      if (other !== m && other.seat.status === 'live') this.#tell(other, `[${label}] ${text}`);
  }

  #tell(m: SceneMember, text: string): void {
    if (m.seat.status !== 'live') return;
    if (this.#inTurn(m.character.id)) this.#held.push({ member: m, text });
    else m.seat.port.addText('user', text);
  }

  /** A (re)connected session: the scene's tail, then the card's post-history instructions. */
  restore(m: SceneMember, port: ScenePort): void {
    m.cards.reconnected();
    const id = m.character.id;
    injectTail(port, id, this.log.tail(id, this.#memoryChars), m.cards.postHistory());
  }

  #add(line: Omit<SceneLine, 'at' | 'heardBy'>): void {
    const full: SceneLine = {
      ...line,
      at: this.#timestamp(),
      heardBy: this.#members.all().map((m) => m.character.id),
    };
    this.log.add(full);
    this.#side.emit('line', full);
  }
}
