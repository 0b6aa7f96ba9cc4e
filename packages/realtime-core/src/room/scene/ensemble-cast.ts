// An ensemble scene as a room's cast: several characters, each its own model session and voice,
// one floor and one playback. Every connected character hears the players' labelled turns (audio,
// so each can answer with the speaker's tone intact) and the other characters' lines (as
// `[Name] text` items). Sessions run without turn detection: the room closes a turn (the speaker
// stopped, or the hangover ran out), commits it on each session that heard it, waits a bounded time
// for its transcript, and the director picks who answers (SceneFlow); only that character is asked
// for a reply. Characters connect when first needed, within the session budgets (SceneMembers),
// and every (re)connection is given the scene's tail (SceneLog).
import { samplesToMs } from '../../audio/pcm.ts';
import { addressNames } from '../../persona/card/render.ts';
import { type CastDriver, type RoomSide, type TurnInfo, turnLabelText } from '../cast-driver.ts';
import { listenToCastMember } from '../cast-listener.ts';
import type { PlaybackReport } from '../pacer.ts';
import type { CastMember, ModelError, ModelTranscript } from '../ports.ts';
import { sameNameKey } from '../speaker-labels.ts';
import { AddressBook } from './addressing.ts';
import { CharacterLines } from './character-lines.ts';
import type { DirectorContext, SceneMode } from './director.ts';
import { loadPinyin } from './phonetics.ts';
import { CharacterCards, greetingInstruction } from './scene-cards.ts';
import { SceneFlow } from './scene-flow.ts';
import { type SceneMember, SceneMembers } from './scene-members.ts';
import { SceneRecord } from './scene-record.ts';
import { checkMode, type SceneLimits, sceneLimits, sceneSettings } from './scene-settings.ts';
import { PlayerTurns } from './scene-turns.ts';
import type {
  RestoredLine,
  SceneCharacter,
  SceneControl,
  SceneMemberStatus,
  SceneOptions,
  ScenePort,
  SceneSettings,
} from './scene-types.ts';

/** Providers refuse to commit less audio than this (StepFun and OpenAI: 100 ms). */
const MIN_COMMIT_MS = 100;
/** Player labels a near spelling of a character's name must not land on. */
const MAX_LABELS_KEPT = 50;

export class EnsembleCast implements CastDriver, SceneControl {
  readonly #side: RoomSide;
  readonly #o: SceneOptions;
  readonly #limits: SceneLimits;
  readonly #random: () => number;
  readonly #members: SceneMembers;
  readonly #turns = new PlayerTurns();
  readonly #record: SceneRecord;
  readonly #lines: CharacterLines;
  readonly #flow: SceneFlow;
  readonly #settings: SceneSettings;
  readonly #labels = new Set<string>();
  #book: AddressBook | undefined;
  readonly #ready: Promise<void>;

  constructor(options: SceneOptions, side: RoomSide) {
    this.#side = side;
    this.#o = options;
    this.#limits = sceneLimits(options);
    this.#random = options.random ?? Math.random;
    this.#settings = sceneSettings(options);
    const waitMs = this.#limits.transcriptWaitMs;
    this.#lines = new CharacterLines(side.clock, waitMs, (e) => this.#flow.lineSettled(e));
    this.#members = new SceneMembers(options.sessions, options.budget, this.#limits.maxLiveSessions, {
      connected: (m, port, cast) => this.#connected(m, port, cast),
      busy: (m) => this.#flow.busy(m) || (this.#turns.current?.hearers.has(m.character.id) ?? false),
      leadId: () => this.#leadId(),
      now: () => side.clock.now(),
      report: (e) => side.emit('sessionBudget', e),
    });
    this.#record = new SceneRecord(
      side,
      this.#members,
      options.timestamp,
      this.#limits.memoryChars,
      (id) => this.#turns.current?.hearers.has(id) ?? false,
    );
    this.#flow = new SceneFlow({
      clock: side.clock,
      emit: side.emit,
      members: this.#members,
      log: this.#record.log,
      lines: this.#lines,
      transcriptWaitMs: waitMs,
      stepTimeoutMs: this.#limits.stepTimeoutMs,
      context: () => this.#context(),
      book: () => this.#addressBook(),
      addressedOnly: () => this.#settings.addressedOnly,
      peoplePresent: () => this.#o.peoplePresent?.() ?? side.peopleHeard(),
      needsWords: () =>
        this.#members.size > 1 ||
        this.#settings.addressedOnly ||
        this.#members.all().some((m) => m.cards.hasLore),
      ended: () => side.ended(),
      floorTaken: () => this.#turns.current !== undefined,
      characterSaid: (m, text) => this.#record.characterSaid(m, text),
    });
    for (const c of options.characters) this.#admit(c, options.memory?.[c.id?.trim()] ?? [], false);
    if (options.lead !== undefined && !this.#members.get(options.lead))
      throw new RangeError(`the lead "${options.lead}" is not one of the scene's characters`);
    // Homophones and transliterations need the pinyin dictionary; exact names work without it.
    loadPinyin().catch(() => {});
    const lead = this.#members.get(this.#leadId()!)!;
    lead.greet = options.greet ?? false;
    const first = options.eager ? this.#members.all() : [lead];
    this.#ready = Promise.all(first.map((m) => this.#members.ensure(m.character.id))).then(() => {});
  }

  // ---- CastDriver --------------------------------------------------------------------------

  get live(): readonly CastMember[] {
    return this.#members.live();
  }

  names(): string[] {
    return this.#members.all().map((m) => m.character.name);
  }

  get pendingAttributions(): number {
    return this.#turns.pending;
  }

  turnOpened(turn: TurnInfo): void {
    const hearers = this.#members.all().filter((m) => m.seat.status === 'live');
    for (const m of hearers) (m.seat as { port: ScenePort }).port.addText('user', turnLabelText(turn));
    this.#turns.open(
      turn.speakerId,
      turn.label,
      hearers.map((m) => m.character.id),
    );
    if (!this.#labels.has(turn.label)) {
      this.#labels.add(turn.label);
      if (this.#labels.size > MAX_LABELS_KEPT) this.#labels.delete(this.#labels.values().next().value!);
      this.#book = undefined;
    }
  }

  audio(pcm: Int16Array): number {
    const turn = this.#turns.current;
    if (!turn) return 0;
    const ports = this.#hearerPorts();
    for (const port of ports) port.appendAudio(pcm);
    turn.audioMs += samplesToMs(pcm.length, this.#side.modelRate);
    return ports.length;
  }

  turnClosed(): void {
    const turn = this.#turns.current;
    if (!turn) return;
    const ports = this.#hearerPorts();
    if (turn.audioMs < MIN_COMMIT_MS) {
      for (const port of ports) port.clear();
      this.#turns.dropOpen();
      this.#record.releaseHeld();
      this.#flow.playerTurnDropped();
      return;
    }
    for (const port of ports) port.commit();
    const committedBy = [...turn.hearers].filter((id) => this.#members.get(id)?.seat.status === 'live');
    const closed = this.#turns.close(committedBy);
    this.#record.releaseHeld();
    if (closed?.status === 'closed') this.#flow.playerTurnClosed(closed);
    else this.#flow.playerTurnDropped();
  }

  turnCleared(): void {
    for (const port of this.#hearerPorts()) port.clear();
    this.#turns.dropOpen();
    this.#record.releaseHeld();
    this.#flow.playerTurnDropped();
  }

  prompt(instruction: string, character?: CastMember): void {
    const id = character ? this.#members.ofCast(character)?.character.id : this.#leadId();
    if (id) this.#flow.prompt(id, instruction);
  }

  replyEnded(report: PlaybackReport): void {
    this.#lines.played(report);
  }

  interrupted(): void {
    this.#flow.interrupted();
    this.#lines.dropUnheard();
  }

  speakerOptedOut(speakerId: string): void {
    this.#record.log.forgetSpeaker(speakerId);
  }

  close(): void {
    this.#flow.close();
    this.#lines.close();
    this.#members.closeAll();
  }

  // ---- SceneControl ------------------------------------------------------------------------

  get settings(): SceneSettings {
    return { ...this.#settings, lead: this.#leadId() };
  }

  ready(): Promise<void> {
    return this.#ready;
  }

  add(character: SceneCharacter, options: { memory?: readonly RestoredLine[]; greet?: boolean } = {}): void {
    if (this.#members.size >= this.#limits.maxCast)
      throw new RangeError(`the scene is full (${this.#limits.maxCast} characters): remove one first`);
    this.#admit(character, options.memory ?? [], options.greet ?? false);
    if (options.greet || this.#o.eager) void this.#members.ensure(character.id);
  }

  remove(id: string): boolean {
    const m = this.#members.get(id);
    if (!m) return false;
    // Its reply is streaming or playing: the scene's playback stops (a barge-in by the owner).
    if (this.#lines.pendingFor(id)) this.#side.interrupt();
    this.#members.remove(id);
    this.#flow.memberGone(id);
    this.#record.log.leave(id);
    if (this.#settings.lead === id) this.#settings.lead = undefined;
    this.#book = undefined;
    this.#connectLead();
    return true;
  }

  list(): SceneMemberStatus[] {
    const lead = this.#leadId();
    return this.#members.all().map((m) => ({
      id: m.character.id,
      name: m.character.name,
      lead: m.character.id === lead,
      live: m.seat.status === 'live',
      talkativeness: m.cards.talkativeness(m.character.talkativeness),
    }));
  }

  setMode(mode: SceneMode): void {
    this.#settings.mode = checkMode(mode);
  }

  setLead(id: string): void {
    if (!this.#members.get(id)) throw new RangeError(`"${id}" is not in the scene`);
    this.#settings.lead = id;
    this.#connectLead();
  }

  setAddressedOnly(on: boolean): void {
    this.#settings.addressedOnly = on;
  }

  next(id?: string): boolean {
    return this.#flow.forceNext(id);
  }

  ask(id: string, instruction: string): void {
    this.#flow.prompt(id, instruction);
  }

  // ---- the characters' sessions -------------------------------------------------------------

  #admit(character: SceneCharacter, memory: readonly RestoredLine[], greet: boolean): void {
    const id = character.id?.trim();
    const name = character.name?.trim();
    if (!id || !name) throw new RangeError('a scene character needs an id and a name');
    if (this.#members.get(id)) throw new RangeError(`"${id}" is already in the scene`);
    if (this.#members.all().some((m) => sameNameKey(m.character.name) === sameNameKey(name)))
      throw new RangeError(`a character named "${name}" is already in the scene`);
    this.#record.log.join(id, memory);
    this.#members.add({ ...character, id, name }, new CharacterCards(character.persona, this.#random), greet);
    this.#book = undefined;
  }

  #connected(m: SceneMember, port: ScenePort, cast: CastMember): () => void {
    const side = this.#side;
    const id = m.character.id;
    const restore = () => this.#record.restore(m, port);
    restore();
    const unlisten = listenToCastMember(cast, {
      audio: (pcm, meta) => {
        if (side.ended()) return;
        this.#lines.audio(id, meta.responseId, meta.itemId);
        side.player.audio(cast, pcm, meta);
      },
      audioDone: (meta) => side.player.finished(cast, meta.responseId),
      responseCreated: (e) => this.#flow.responseCreated(cast, e.responseId),
      responseDone: (e) => {
        side.player.finished(cast, e.responseId);
        side.flushUsage();
        this.#flow.responseDone(m, cast, e.responseId);
      },
      committed: (e) => {
        if (this.#turns.committed(id, e.itemId)) side.latency.committed();
      },
      transcript: (t) => this.#onTranscript(m, t),
      error: (e) => this.#onError(m, e),
    });
    // A rollover or reconnect replays nothing (the factory's sessions keep no history): restore the scene.
    const renewed = (e?: { reason: string }) => {
      if (e?.reason !== 'reset') restore();
    };
    const rolled = () => renewed();
    port.on('rolledOver', rolled);
    port.on('reconnected', renewed);
    if (m.greet) {
      m.greet = false;
      this.#flow.prompt(id, greetingInstruction(m.cards, this.#members.size > 1));
    }
    return () => {
      unlisten();
      port.off('rolledOver', rolled);
      port.off('reconnected', renewed);
      this.#flow.forget(cast);
      this.#turns.forget(id);
    };
  }

  #onTranscript(m: SceneMember, t: ModelTranscript): void {
    if (!t.final) return;
    const text = t.text.trim();
    const id = m.character.id;
    if (t.role === 'assistant') {
      if (text) this.#record.characterTranscript(m, text);
      this.#lines.text(id, t.itemId, t.text);
      return;
    }
    const turn = this.#turns.ofItem(id, t.itemId);
    // Every session that heard the turn transcribes it: the first transcript is the turn's.
    if (!turn || !text || turn.text !== undefined) return;
    turn.text = text;
    this.#record.playerSaid(turn, text, m);
    this.#flow.playerText(turn);
  }

  #onError(m: SceneMember, e: ModelError): void {
    if (e.recoverable) {
      // A refused commit leaves no item: the session's later commits belong to later turns.
      if (/commit_empty|too small/i.test(`${e.code} ${e.message}`)) this.#turns.commitRefused(m.character.id);
      return;
    }
    this.#members.drop(m.character.id, e.message);
    // One character's failure leaves the scene to the others; when none is left the room ends.
    if (this.#members.connectedOrConnecting === 0) this.#side.end('error', e.message, e.code);
  }

  #hearerPorts(): ScenePort[] {
    const out: ScenePort[] = [];
    for (const id of this.#turns.current?.hearers ?? []) {
      const seat = this.#members.get(id)?.seat;
      if (seat?.status === 'live') out.push(seat.port);
    }
    return out;
  }

  /** The lead's session hears every turn, so an unaddressed one always has someone who heard it. */
  #connectLead(): void {
    const lead = this.#leadId();
    if (lead !== undefined && !this.#side.ended()) void this.#members.ensure(lead);
  }

  #leadId(): string | undefined {
    const lead = this.#settings.lead;
    return lead !== undefined && this.#members.get(lead) ? lead : this.#members.all()[0]?.character.id;
  }

  #context(): DirectorContext {
    return {
      members: this.#members.all().map((m) => ({
        id: m.character.id,
        talkativeness: m.cards.talkativeness(m.character.talkativeness),
        live: m.seat.status === 'live',
      })),
      mode: this.#settings.mode,
      leadId: this.#leadId(),
      lastSpeakerId: this.#flow.lastSpeakerId,
      random: this.#random,
      maxTurns: this.#settings.maxCharacterTurns,
    };
  }

  #addressBook(): AddressBook {
    this.#book ??= new AddressBook(
      this.#members.all().map((m) => ({
        id: m.character.id,
        names: [
          m.character.name,
          ...(m.character.aliases ?? []),
          ...(m.character.persona ? addressNames(m.character.persona) : []),
        ],
      })),
      [...this.#labels],
    );
    return this.#book;
  }
}
