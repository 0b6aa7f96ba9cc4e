// Who speaks next, and asking them. A player's closed turn waits (a bounded time) for its
// transcript, the director picks the characters to answer, and they speak one after another: each
// is asked for a reply only when the previous line has been heard, so it knows what was said (the
// line is in its session by then) and the scene can stop between lines. A line that addresses
// another character adds that character, until the chain's bound. Nobody is asked while a player
// holds the floor or a closed turn awaits its direction: a player's real turn ends the reactions
// (what they said is answered instead), a blip too short to commit lets the chain go on, and a
// barge-in ends the chain.
import type { Clock } from '../../session/clock.ts';
import type { RoomEmit } from '../cast-driver.ts';
import type { CastMember } from '../ports.ts';
import type { AddressBook } from './addressing.ts';
import type { CharacterLines } from './character-lines.ts';
import { type DirectorContext, directPlayerTurn, directReaction, forcedNext } from './director.ts';
import { ResponseGate } from './response-gate.ts';
import { deliverTurn } from './scene-cards.ts';
import type { SceneMember, SceneMembers } from './scene-members.ts';
import type { SceneLog } from './scene-memory.ts';
import type { PlayerTurn } from './scene-turns.ts';
import type { DirectedEvent, ScenePort } from './scene-types.ts';

export interface FlowHost {
  readonly clock: Clock;
  readonly emit: RoomEmit;
  readonly members: SceneMembers;
  readonly log: SceneLog;
  readonly lines: CharacterLines;
  readonly transcriptWaitMs: number;
  readonly stepTimeoutMs: number;
  context(): DirectorContext;
  book(): AddressBook;
  addressedOnly(): boolean;
  peoplePresent(): number;
  /** The director needs the turn's words (several characters, addressed-only, or a lorebook to scan). */
  needsWords(): boolean;
  /** A player holds the floor. */
  floorTaken(): boolean;
  ended(): boolean;
  /** A character's heard line: to memory and to the other characters. */
  characterSaid(member: SceneMember, text: string): void;
}

interface Step {
  id: string;
  cast: CastMember | undefined;
  timer: unknown;
}

interface Chain {
  cause: DirectedEvent['cause'];
  /** Character lines still allowed. */
  left: number;
  queue: string[];
  /** Who the next speaker answers (`{{user}}`): the player, then the character who spoke last. */
  answering: string | undefined;
  /** A player took the floor since: no further reactions (answers already chosen still go). */
  reactionsClosed: boolean;
  cancelled: boolean;
  step: Step | undefined;
}

/** Whose reply a response is: a chain's step, or a prompt (which starts no chain). */
type Owner = { chain: Chain } | { prompt: true };

/** Closed turns kept for addressing while a newer one is directed. */
const MAX_UNDIRECTED = 4;
/** Replies remembered until their line settles (each settles, or is given up, long before). */
const MAX_OWNED = 32;

export class SceneFlow {
  readonly #h: FlowHost;
  readonly #gate = new ResponseGate();
  /** Asks sent whose reply has not started yet, with the timer that gives up on them. */
  readonly #asked = new Map<CastMember, { owner: Owner; timer: unknown }>();
  readonly #owners = new Map<string, Owner>();
  #chain: Chain | undefined;
  #waiting: { turn: PlayerTurn; timer: unknown } | undefined;
  #undirected: PlayerTurn[] = [];
  lastSpeakerId: string | undefined;

  constructor(host: FlowHost) {
    this.#h = host;
  }

  /** Whether `id` is speaking, asked to, or about to be. */
  busy(member: SceneMember): boolean {
    const seat = member.seat;
    const cast = seat.status === 'live' ? seat.member : undefined;
    return (
      (cast !== undefined && this.#gate.isBusy(cast)) ||
      this.#chain?.step?.id === member.character.id ||
      (this.#chain?.queue.includes(member.character.id) ?? false) ||
      this.#h.lines.pendingFor(member.character.id)
    );
  }

  /** A turn ended with nothing to answer (too short to commit, or its speaker opted out): the chain goes on. */
  playerTurnDropped(): void {
    if (this.#chain) this.#advance(this.#chain);
  }

  playerTurnClosed(turn: PlayerTurn): void {
    if (this.#chain) this.#chain.reactionsClosed = true;
    if (!this.#h.needsWords()) {
      this.#direct(turn);
      return;
    }
    if (this.#waiting) {
      this.#h.clock.clearTimeout(this.#waiting.timer);
      this.#undirected = [...this.#undirected, this.#waiting.turn].slice(-MAX_UNDIRECTED);
    }
    const timer = this.#h.clock.setTimeout(() => this.#direct(turn), this.#h.transcriptWaitMs);
    this.#waiting = { turn, timer };
  }

  /** A player turn's transcript arrived (its text is set): direct it if it is the one waiting. */
  playerText(turn: PlayerTurn): void {
    if (this.#waiting?.turn === turn) this.#direct(turn);
  }

  #direct(turn: PlayerTurn): void {
    if (this.#waiting) this.#h.clock.clearTimeout(this.#waiting.timer);
    this.#waiting = undefined;
    const book = this.#h.book();
    let hits = turn.text ? book.find(turn.text) : [];
    // Turns closed while this one waited were not answered: a name in them still counts.
    for (const older of this.#undirected.reverse())
      if (!hits.length && older.text) hits = book.find(older.text);
    this.#undirected = [];
    if (turn.status === 'dropped' || this.#h.ended()) return;
    const ctx = this.#h.context();
    const d = directPlayerTurn(ctx, {
      text: turn.text,
      hits,
      addressedOnly: this.#h.addressedOnly(),
      peoplePresent: this.#h.peoplePresent(),
    });
    this.#h.emit('directed', {
      cause: 'player',
      speakers: d.speakers,
      reason: d.reason,
      answering: turn.label,
    });
    if (d.speakers.length) this.#startChain('player', d.speakers, turn.label);
    // Nobody answers this one: answers chosen before still go.
    else if (this.#chain) this.#advance(this.#chain);
  }

  /** `/scene next`: `id` (or the next in turn) speaks now. */
  forceNext(id?: string): boolean {
    const target = id ?? forcedNext(this.#h.context());
    if (!target || !this.#h.members.get(target) || this.#h.ended()) return false;
    this.#h.emit('directed', { cause: 'forced', speakers: [target], reason: 'forced' });
    this.#startChain('forced', [target], undefined);
    return true;
  }

  /** Asks `id` to speak with `instruction` (a greeting, an announcement); it starts no chain. */
  prompt(id: string, instruction: string): void {
    const m = this.#h.members.get(id);
    if (!m || this.#h.ended()) return;
    const run = (cast: CastMember | undefined) =>
      cast && this.#ask(cast, m, undefined, instruction, { prompt: true });
    const seat = m.seat;
    if (seat.status === 'live') run(seat.member);
    else void this.#h.members.ensure(id).then(run);
  }

  responseCreated(cast: CastMember, responseId: string): void {
    this.#gate.started(cast);
    const asked = this.#asked.get(cast);
    this.#asked.delete(cast);
    if (!asked) return;
    this.#h.clock.clearTimeout(asked.timer);
    this.#owners.set(responseId, asked.owner);
    if (this.#owners.size > MAX_OWNED) this.#owners.delete(this.#owners.keys().next().value!);
  }

  responseDone(member: SceneMember, cast: CastMember, responseId: string): void {
    this.#gate.done(cast);
    if (!this.#h.lines.has(responseId)) this.#h.lines.noAudio(member.character.id, responseId);
  }

  /** A character's line settled (see CharacterLines): remember it, then the chain moves on. */
  lineSettled(e: {
    characterId: string;
    responseId: string;
    text: string | undefined;
    heard: boolean;
    stopped: boolean;
  }): void {
    const m = this.#h.members.get(e.characterId);
    if (e.heard) this.lastSpeakerId = e.characterId;
    if (m && e.text) this.#h.characterSaid(m, e.text);
    const owner = this.#owners.get(e.responseId);
    this.#owners.delete(e.responseId);
    // Only the reply the chain asked for moves it on (not a prompt's, not one nobody asked for).
    const chain = owner && 'chain' in owner ? owner.chain : undefined;
    if (!chain || chain !== this.#chain || chain.step?.id !== e.characterId) return;
    this.#h.clock.clearTimeout(chain.step.timer);
    chain.step = undefined;
    if (e.stopped || chain.cancelled) return;
    if (e.text && m && !chain.reactionsClosed) {
      const next = directReaction(this.#h.context(), {
        speakerId: e.characterId,
        hits: this.#h.book().find(e.text),
      });
      if (next && !chain.queue.includes(next) && chain.left > 0) {
        chain.queue.push(next);
        this.#h.emit('directed', {
          cause: 'reaction',
          speakers: [next],
          reason: 'reaction',
          answering: m.character.name,
        });
      }
    }
    if (m) chain.answering = m.character.name;
    this.#advance(chain);
  }

  /** A barge-in: the chain ends; replies not yet heard never will be. */
  interrupted(): void {
    const chain = this.#chain;
    if (chain) {
      chain.cancelled = true;
      if (chain.step) this.#h.clock.clearTimeout(chain.step.timer);
      chain.step = undefined;
      this.#chain = undefined;
    }
  }

  /** A member left the scene: a chain waiting on it moves on. */
  memberGone(id: string): void {
    const chain = this.#chain;
    if (chain?.step?.id !== id) return;
    this.#h.clock.clearTimeout(chain.step.timer);
    chain.step = undefined;
    this.#advance(chain);
  }

  /** A member's session is gone. */
  forget(cast: CastMember): void {
    this.#gate.forget(cast);
    this.#h.clock.clearTimeout(this.#asked.get(cast)?.timer);
    this.#asked.delete(cast);
  }

  close(): void {
    this.interrupted();
    for (const { timer } of this.#asked.values()) this.#h.clock.clearTimeout(timer);
    this.#asked.clear();
    if (this.#waiting) this.#h.clock.clearTimeout(this.#waiting.timer);
    this.#waiting = undefined;
  }

  #startChain(cause: Chain['cause'], speakers: string[], answering: string | undefined): void {
    // The chain before gives way: its line in flight plays on, nothing more of it is asked.
    if (this.#chain) this.interrupted();
    const chain: Chain = {
      cause,
      left: Math.max(1, this.#h.context().maxTurns),
      queue: [...speakers],
      answering,
      reactionsClosed: false,
      cancelled: false,
      step: undefined,
    };
    this.#chain = chain;
    // The others chosen connect now, so their turn has no connection delay.
    for (const id of speakers.slice(1)) void this.#h.members.ensure(id);
    this.#advance(chain);
  }

  #advance(chain: Chain): void {
    if (chain !== this.#chain || chain.cancelled || chain.step) return;
    // Resumed when the floor is free again (a turn dropped or directed).
    if (this.#h.floorTaken() || this.#waiting) return;
    while (chain.queue.length && chain.left > 0) {
      const id = chain.queue.shift()!;
      if (!this.#h.members.get(id)) continue;
      chain.left--;
      this.#request(chain, id);
      return;
    }
    this.#chain = undefined;
  }

  #request(chain: Chain, id: string, fallbackFrom?: string): void {
    const step: Step = { id, cast: undefined, timer: undefined };
    step.timer = this.#h.clock.setTimeout(() => this.#stepTimedOut(chain, step), this.#h.stepTimeoutMs);
    chain.step = step;
    const m = this.#h.members.get(id)!;
    const go = (cast: CastMember | undefined) => {
      if (chain.step !== step || chain.cancelled) return;
      if (!cast) {
        this.#h.clock.clearTimeout(step.timer);
        chain.step = undefined;
        const alt = fallbackFrom === undefined ? this.#fallback(id) : undefined;
        if (alt) {
          this.#h.emit('directed', {
            cause: chain.cause,
            speakers: [alt],
            reason: 'fallback',
            ...(chain.answering ? { answering: chain.answering } : {}),
          });
          this.#request(chain, alt, id);
        } else this.#advance(chain);
        return;
      }
      step.cast = cast;
      this.#ask(cast, m, chain.answering, undefined, { chain });
    };
    const seat = m.seat;
    if (seat.status === 'live') go(seat.member);
    else void this.#h.members.ensure(id).then(go);
  }

  /** A connected character to answer instead of one that could not be connected: the lead, else the latest used. */
  #fallback(failed: string): string | undefined {
    const lead = this.#h.context().leadId;
    const live = this.#h.members.all().filter((m) => m.seat.status === 'live' && m.character.id !== failed);
    live.sort(
      (a, b) => Number(b.character.id === lead) - Number(a.character.id === lead) || b.lastUsed - a.lastUsed,
    );
    return live[0]?.character.id;
  }

  /** The step took too long (never connected, never started, or still playing): the chain moves on. */
  #stepTimedOut(chain: Chain, step: Step): void {
    if (chain.step !== step) return;
    chain.step = undefined;
    this.#advance(chain);
  }

  #ask(
    cast: CastMember,
    m: SceneMember,
    answering: string | undefined,
    extra: string | undefined,
    owner: Owner,
  ): void {
    this.#gate.ask(cast, () => {
      if (this.#h.ended() || ('chain' in owner && (owner.chain.cancelled || owner.chain.step?.cast !== cast)))
        return false;
      const port = cast.model as ScenePort;
      const request = deliverTurn(port, m.cards, answering, this.#h.log.transcript(), extra);
      // A request the server never starts (refused, or lost on a reconnect) must not block this
      // character for good: after the step timeout the session counts as free again.
      const timer = this.#h.clock.setTimeout(() => {
        if (this.#asked.get(cast)?.owner !== owner) return;
        this.#asked.delete(cast);
        this.#gate.done(cast);
      }, this.#h.stepTimeoutMs);
      this.#asked.set(cast, { owner, timer });
      port.createResponse(request);
      return true;
    });
  }
}
