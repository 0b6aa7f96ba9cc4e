// A single character's card on server VAD. The server answers a turn by itself, so whatever the
// card needs for that answer must be in the session before the turn's audio: when a turn opens,
// the instructions are rendered for its speaker (`{{user}}`) with the lorebook entries the live
// transcript fires, and replaced (a session.update) only when they changed, so the provider's
// prompt cache keeps working. After a rollover or a reconnect replays the history, the card's
// post-history instructions follow it again. A persona without a card costs nothing here.
import type { TranscriptLine } from '../persona/card/lorebook.ts';
import type { Persona } from '../persona/schema.ts';
import type { CastMember } from './ports.ts';
import { CharacterCards } from './scene/scene-cards.ts';

/** What a session needs for this (RealtimeSession has all of it). */
interface CardPort {
  setInstructions(instructions: string): void;
  addText(role: 'system', text: string): void;
  on(event: 'rolledOver', listener: () => void): unknown;
  on(event: 'reconnected', listener: (event: { reason: string }) => void): unknown;
  off(event: 'rolledOver', listener: () => void): unknown;
  off(event: 'reconnected', listener: (event: { reason: string }) => void): unknown;
}

/** Lines of the live transcript the lorebook may scan. */
const MAX_LINES = 100;

export class SoloCards {
  readonly #member: CastMember;
  readonly #random: () => number;
  readonly #lines: TranscriptLine[] = [];
  #cards: CharacterCards | undefined;
  #persona: Persona | undefined;
  readonly #unlisten: () => void;

  constructor(member: CastMember, random: () => number = Math.random) {
    this.#member = member;
    this.#random = random;
    const port = this.#port();
    if (!port) {
      this.#unlisten = () => {};
      return;
    }
    const rolled = () => this.#renewed();
    const reconnected = (e: { reason: string }) => {
      if (e.reason !== 'reset') this.#renewed();
      else this.#lines.splice(0);
    };
    port.on('rolledOver', rolled);
    port.on('reconnected', reconnected);
    this.#unlisten = () => {
      port.off('rolledOver', rolled);
      port.off('reconnected', reconnected);
    };
  }

  /** A turn opens: the instructions answer its speaker, with the lore the transcript fires. */
  turnOpened(label: string): void {
    const cards = this.#current();
    const port = this.#port();
    if (!cards || !port) return;
    const r = cards.render(label, this.#lines);
    if (!r?.changed) return;
    port.setInstructions(r.instructions);
    cards.applied(r.instructions);
  }

  /** A final transcript line (a player's or the character's): the lorebook scans these. */
  heard(speaker: string, text: string, character: boolean): void {
    this.#lines.push({ speaker, text });
    if (this.#lines.length > MAX_LINES) this.#lines.shift();
    if (character) this.#current()?.spoke();
  }

  close(): void {
    this.#unlisten();
  }

  /** A new connection replayed the history: the post-history instructions go after it again. */
  #renewed(): void {
    const cards = this.#current();
    cards?.reconnected();
    const note = cards?.postHistory();
    if (note) this.#port()?.addText('system', note);
  }

  /** The card of the persona played now (a switch brings a fresh one). */
  #current(): CharacterCards | undefined {
    const persona = this.#member.persona;
    if (!persona?.card) return undefined;
    if (persona !== this.#persona) {
      this.#persona = persona;
      this.#cards = new CharacterCards(persona, this.#random);
    }
    return this.#cards;
  }

  #port(): CardPort | undefined {
    const m = this.#member.model as unknown as Partial<CardPort>;
    return typeof m.setInstructions === 'function' && typeof m.on === 'function'
      ? (m as CardPort)
      : undefined;
  }
}
