// Renders a persona for one moment of the conversation: the session instructions for the speaker being
// answered (with the lore chosen for the live transcript), a greeting for a join, and the card's
// post-history instructions to re-apply after the history. Card text is resolved (macros), neutralised and
// fenced here, every time, so whatever a stored card or a display name contains stays inside the fence.
import { HOUSE_RULES } from '../house-rules.ts';
import type { Persona } from '../schema.ts';
import type { CharacterCard } from './card-schema.ts';
import { fence } from './fence.ts';
import type { FiredLore, LoreSelection } from './lorebook.ts';
import { type MacroContext, renderMacros } from './macros.ts';
import { clipUnits, neutralise, oneLine } from './text.ts';

export interface RenderContext {
  /** Display name of the person being answered (`{{user}}`); without one, a neutral stand-in. */
  speaker?: string;
  /** Lore chosen for the live transcript (LoreEngine.select). */
  lore?: LoreSelection;
  /** For `{{random}}`/`{{roll}}` in card text; without it they resolve to a stable choice. */
  random?: () => number;
}

/** What `{{user}}` becomes in instructions when nobody in particular is being answered. */
export const NEUTRAL_USER = { en: 'the person you are talking to', zh: '对方' } as const;
/** What `{{user}}` becomes in a greeting to a whole channel. */
export const AUDIENCE_USER = { en: 'everyone', zh: '大家' } as const;
/** SillyTavern's main prompt, in spirit: what a card's `system_prompt` replaces and `{{original}}` recalls. */
export const DEFAULT_CHARACTER_PREAMBLE =
  "You are {{char}}. Stay in character as {{char}} and keep the conversation with {{user}} going in {{char}}'s voice.";
/** Ceiling on the fenced card text, so a maximal card plus lore stays a sensible prompt. */
export const MAX_CARD_BLOCK = 24_000;
const GREETING_MAX = 1_000;
/** Stands for the description while the other sections are measured. */
const DESCRIPTION = '\u0000description\u0000';

const zh = (p: Persona) => p.language.toLowerCase().startsWith('zh');

/** `{{char}}`: the V3 nickname when the card has one, else the name. */
export function characterName(p: Persona): string {
  return p.card?.nickname || p.card?.name || p.name;
}

/** Names the character answers to (name, V3 nickname), for addressing. */
export function addressNames(p: Persona): string[] {
  return [...new Set([p.name, p.card?.name, p.card?.nickname].filter((n): n is string => Boolean(n)))];
}

/** How readily the character speaks up in a group, 0–1 (SillyTavern's talkativeness, default 0.5). */
export function talkativenessOf(p: Persona): number {
  return p.card?.talkativeness ?? 0.5;
}

function macros(p: Persona, ctx: RenderContext, user: string, original?: string): MacroContext {
  return {
    char: oneLine(characterName(p), 80),
    user: oneLine(user, 80) || user,
    seed: p.id,
    ...(original !== undefined ? { original } : {}),
    ...(ctx.random ? { random: ctx.random } : {}),
  };
}

function speakerOf(p: Persona, ctx: RenderContext): string {
  const s = ctx.speaker ? oneLine(ctx.speaker, 80) : '';
  return s || NEUTRAL_USER[zh(p) ? 'zh' : 'en'];
}

function loreAt(lore: LoreSelection | undefined, ...positions: FiredLore['position'][]): string[] {
  return (lore?.entries ?? []).filter((e) => positions.includes(e.position)).map((e) => neutralise(e.text));
}

function cardBody(p: Persona, card: CharacterCard, ctx: RenderContext): string {
  const m = macros(p, ctx, speakerOf(p, ctx));
  const t = (text: string, original?: string) =>
    neutralise(renderMacros(text, original === undefined ? m : { ...m, original }));
  const preamble = t(DEFAULT_CHARACTER_PREAMBLE);
  const systemPrompt =
    card.systemPrompt.trim() && !ctx.lore?.disablePrompts.includes('system_prompt')
      ? t(card.systemPrompt, preamble)
      : preamble;
  const lore = ctx.lore;
  const section = (label: string, text: string) => (text.trim() ? `${label}: ${t(text)}` : '');
  const examples = card.exampleDialogues.map((e, i) => `Example ${i + 1}:\n${t(e)}`);
  const depthLore = loreAt(lore, 'at_depth');
  const description = t(card.description);
  const parts = [
    systemPrompt,
    ...loreAt(lore, 'before_char', 'before_desc'),
    DESCRIPTION,
    ...loreAt(lore, 'after_desc'),
    section('Personality', card.personality),
    ...loreAt(lore, 'personality'),
    section('Scenario', card.scenario),
    ...loreAt(lore, 'scenario', 'after_char'),
    depthLore.length ? `Keep in mind right now:\n${depthLore.join('\n')}` : '',
    examples.length
      ? `Examples of how ${m.char} talks (style guidance only; they are not part of this conversation):\n${examples.join('\n')}`
      : '',
  ].filter((x) => x.trim());
  // Over the ceiling, the description (the longest field) gives way first, so the lore chosen for this
  // turn and the examples still fit.
  const others = parts.reduce((n, x) => n + x.length + 2, 0) - DESCRIPTION.length;
  const room = Math.max(2_000, MAX_CARD_BLOCK - others);
  const body = parts
    .map((x) => (x === DESCRIPTION ? clipUnits(description, room) : x))
    .filter((x) => x.trim());
  return clipUnits(body.join('\n\n'), MAX_CARD_BLOCK).trim() || `You are ${m.char}.`;
}

/** Instructions for a persona without a card (files written by operators): their text as written. */
function plainBody(p: Persona, ctx: RenderContext): string[] {
  const m = macros(p, ctx, speakerOf(p, ctx));
  const parts = [p.description, '', renderMacros(p.instructions, m)];
  if (p.style?.speakingStyle) parts.push('', `Speaking style: ${p.style.speakingStyle}`);
  if (p.style?.pace) parts.push(`Pace: speak at a ${p.style.pace} pace.`);
  if (p.style?.examples?.length) {
    parts.push('', 'Examples of how you talk:', ...p.style.examples.map((e) => `- ${renderMacros(e, m)}`));
  }
  return parts;
}

/**
 * The session instructions: the character (card text fenced), its language, then the house rules.
 * Call again when the speaker being answered or the lore changes.
 */
export function renderInstructions(p: Persona, ctx: RenderContext = {}): string {
  const body = p.card ? [fence(cardBody(p, p.card, ctx))] : plainBody(p, ctx);
  return [
    `# Character: ${oneLine(p.name, 80)}`,
    ...body,
    '',
    `Your main language is ${p.language}.`,
    '',
    HOUSE_RULES,
  ].join('\n');
}

/**
 * The card's post-history instructions and character note (SillyTavern's `depth_prompt`), fenced, to add
 * after the conversation history: at the start and again after a rollover replays the history.
 * Undefined when the card has neither.
 */
export function renderPostHistoryInstructions(p: Persona, ctx: RenderContext = {}): string | undefined {
  const card = p.card;
  if (!card) return undefined;
  const m = macros(p, ctx, speakerOf(p, ctx), '');
  const parts: string[] = [];
  if (card.characterNote?.text.trim()) parts.push(neutralise(renderMacros(card.characterNote.text, m)));
  if (card.postHistoryInstructions.trim() && !ctx.lore?.disablePrompts.includes('post_history_instructions'))
    parts.push(neutralise(renderMacros(card.postHistoryInstructions, m)));
  const body = parts.filter(Boolean).join('\n\n');
  return body ? fence(body) : undefined;
}

export interface GreetingOptions {
  /** In [0, 1): picks one greeting per join. */
  random: () => number;
  /** In an ensemble scene the card's `group_only_greetings` join the choice. */
  ensemble?: boolean;
  /** Who is greeted (`{{user}}`); by default the whole channel. */
  speaker?: string;
}

export interface Greeting {
  /** One line, macros resolved, neutralised: an example for the model to say in its own words. */
  text: string;
  /** 0 = first_mes, n = alternate_greetings[n-1], then group-only greetings (V3 `@@is_greeting` numbering). */
  index: number;
  kind: 'first' | 'alternate' | 'group';
}

/** Picks the greeting for a join: `first_mes` or one of `alternate_greetings` (and group-only ones in ensembles). */
export function chooseGreeting(p: Persona, o: GreetingOptions): Greeting | undefined {
  const card = p.card;
  const pool: Omit<Greeting, 'text'>[] = [];
  const texts: string[] = [];
  const add = (text: string | undefined, index: number, kind: Greeting['kind']) => {
    if (!text?.trim()) return;
    pool.push({ index, kind });
    texts.push(text);
  };
  const first = card ? card.firstMessage : p.greeting;
  const alternates = card ? card.alternateGreetings : (p.alternateGreetings ?? []);
  add(first, 0, 'first');
  for (const [i, g] of alternates.entries()) add(g, i + 1, 'alternate');
  if (o.ensemble && card)
    for (const [i, g] of card.groupOnlyGreetings.entries()) add(g, alternates.length + 1 + i, 'group');
  if (!pool.length) return undefined;
  const at = Math.min(pool.length - 1, Math.floor(Math.max(0, o.random()) * pool.length));
  const who = o.speaker ? oneLine(o.speaker, 80) : '';
  const m = macros(p, { random: o.random }, who || AUDIENCE_USER[zh(p) ? 'zh' : 'en']);
  const text = oneLine(renderMacros(texts[at]!, m), GREETING_MAX);
  return text ? { ...pool[at]!, text } : undefined;
}
