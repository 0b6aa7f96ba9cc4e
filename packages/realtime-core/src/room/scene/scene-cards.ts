// A character's card in the scene: its instructions rendered for the speaker being answered
// (`{{user}}`), the lorebook entries whose keys appear in the live transcript, its greeting (one per
// join; `group_only_greetings` join the choice in an ensemble), and its post-history instructions,
// re-applied after every restore. Pure: the scene decides when, the port how (see `deliverTurn`).
//
// How a turn's instructions reach the model: a provider that honours `instructions` in
// response.create (OpenAI; the profile's `responseInstructions`) gets them with the reply request.
// StepFun documents no such field, so the session instructions are replaced (session.update)
// when they change — the speaker or the fired lore changed; an unchanged turn sends nothing, so the
// provider's prompt cache keeps working. A port that cannot update its instructions gets a short
// system item instead: who is answered, and the newly fired lore.
import { fence } from '../../persona/card/fence.ts';
import { LoreEngine, type LoreSelection, type TranscriptLine } from '../../persona/card/lorebook.ts';
import {
  characterName,
  chooseGreeting,
  type Greeting,
  renderInstructions,
  renderPostHistoryInstructions,
  talkativenessOf,
} from '../../persona/card/render.ts';
import { neutralise, oneLine } from '../../persona/card/text.ts';
import type { Persona } from '../../persona/schema.ts';
import type { ScenePort } from './scene-types.ts';

export class CharacterCards {
  readonly persona: Persona | undefined;
  readonly #lore: LoreEngine | undefined;
  readonly #random: () => number;
  readonly #fired = new Set<string>();
  #lines = 0;
  #greeting: Greeting | undefined;
  /** Instructions the session has now (undefined: whatever it was opened with). */
  #applied: string | undefined;
  #speaker: string | undefined;
  #selection: LoreSelection | undefined;

  constructor(persona: Persona | undefined, random: () => number) {
    this.persona = persona;
    this.#random = random;
    const book = persona?.card?.lorebook;
    this.#lore = book ? new LoreEngine(book) : undefined;
  }

  get hasLore(): boolean {
    return this.#lore !== undefined;
  }

  talkativeness(override: number | undefined): number {
    return override ?? (this.persona ? talkativenessOf(this.persona) : 0.5);
  }

  /** Picks the greeting for this join (once; the same one after). */
  greeting(ensemble: boolean): Greeting | undefined {
    if (!this.persona) return undefined;
    this.#greeting ??= chooseGreeting(this.persona, { random: this.#random, ensemble });
    return this.#greeting;
  }

  /** The character said a line (lore's `@@activate_only_after` counts them). */
  spoke(): void {
    this.#lines++;
  }

  /** A new connection starts with the instructions it was opened with: the next turn renders them again. */
  reconnected(): void {
    this.#applied = undefined;
  }

  /** Instructions for answering `speaker`, with the lore the transcript fires; undefined without a persona. */
  render(
    speaker: string | undefined,
    transcript: readonly TranscriptLine[],
  ): { instructions: string; changed: boolean; freshLore: string[] } | undefined {
    const p = this.persona;
    if (!p) return undefined;
    const lore = this.#lore?.select(transcript, {
      char: characterName(p),
      user: speaker ?? '',
      characterTurns: this.#lines,
      previouslyFired: this.#fired,
      random: this.#random,
      ...(this.#greeting ? { greetingIndex: this.#greeting.index } : {}),
    });
    const freshLore = (lore?.entries ?? []).filter((e) => !this.#fired.has(e.id)).map((e) => e.text);
    for (const e of lore?.entries ?? []) this.#fired.add(e.id);
    this.#speaker = speaker;
    this.#selection = lore;
    const ctx = { ...(speaker ? { speaker } : {}), ...(lore ? { lore } : {}), random: this.#random };
    const instructions = renderInstructions(p, ctx);
    return { instructions, changed: instructions !== this.#applied, freshLore };
  }

  applied(instructions: string): void {
    this.#applied = instructions;
  }

  /** The card's post-history instructions for the current speaker and lore, fenced; undefined if none. */
  postHistory(): string | undefined {
    if (!this.persona) return undefined;
    return renderPostHistoryInstructions(this.persona, {
      ...(this.#speaker ? { speaker: this.#speaker } : {}),
      ...(this.#selection ? { lore: this.#selection } : {}),
      random: this.#random,
    });
  }
}

/**
 * Prepares `port` to answer `speaker` and returns the reply request: per-response instructions where
 * the provider takes them, else a session.update when they changed, else a system item. `extra` (a
 * prompt such as a greeting) goes with the request.
 */
export function deliverTurn(
  port: ScenePort,
  cards: CharacterCards,
  speaker: string | undefined,
  transcript: readonly TranscriptLine[],
  extra?: string,
): { instructions?: string } {
  const r = cards.render(speaker, transcript);
  if (!r) return extra ? { instructions: extra } : {};
  if (port.perResponseInstructions)
    return { instructions: extra ? `${r.instructions}\n\n${extra}` : r.instructions };
  if (r.changed) {
    if (port.setInstructions) port.setInstructions(r.instructions);
    else {
      const who = speaker ? `You are answering ${oneLine(speaker, 80)}.` : '';
      const lore = r.freshLore.length ? fence(r.freshLore.map(neutralise).join('\n')) : '';
      const note = [who, lore].filter(Boolean).join('\n');
      if (note) port.addText('system', note);
    }
    cards.applied(r.instructions);
  }
  return extra ? { instructions: extra } : {};
}

/** What a character is asked when it greets the room: its card's greeting as an example, in its own words. */
export function greetingInstruction(cards: CharacterCards, ensemble: boolean): string {
  const g = cards.greeting(ensemble);
  return g
    ? `Greet the people here in character, e.g.: "${g.text}"`
    : 'Greet the people here in character, briefly.';
}
