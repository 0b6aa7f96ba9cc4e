// Who answers. Pure: the cast, the scene's mode and what was said (already scored by the address
// book) in; the characters to speak, in order, out. The room carries them out one at a time.
//
// A player's turn:
// 1. characters addressed by name answer, best-addressed first (all of them, within the bound);
// 2. no transcript: in addressed-only rooms the lead answers (the setting cannot work without
//    words); otherwise the mode picks among the characters whose sessions heard the audio;
// 3. addressed-only, more than one person present, nobody addressed: nobody answers;
// 4. otherwise the mode: `lead` (the lead answers), `round-robin` (the next character after the
//    last one who spoke, in cast order), `natural` (SillyTavern's group "natural order": each
//    character but the last speaker speaks up when a roll is under its talkativeness, in shuffled
//    order; if nobody does, one of them at random; nobody twice in a row unless alone).
// A character's line: another character it addresses by name reacts. The room bounds the chain
// (at most `maxTurns` character lines per player turn), so two characters never talk on alone.
import { ADDRESSED, type AddressHit } from './addressing.ts';

export type SceneMode = 'lead' | 'round-robin' | 'natural';
export const SCENE_MODES: readonly SceneMode[] = ['lead', 'round-robin', 'natural'];

export interface DirectorMember {
  id: string;
  /** 0–1: how readily it speaks up unaddressed in `natural` mode. */
  talkativeness: number;
  /** Its session is connected and heard the players' audio. */
  live: boolean;
}

export interface DirectorContext {
  /** In cast order. */
  members: readonly DirectorMember[];
  mode: SceneMode;
  /** The lead; the first member when unset or gone. */
  leadId: string | undefined;
  /** The character who spoke last. */
  lastSpeakerId: string | undefined;
  /** In [0, 1). */
  random: () => number;
  /** Most characters that may speak for one player turn. */
  maxTurns: number;
}

export type DirectionReason =
  | 'addressed'
  | 'lead'
  | 'round-robin'
  | 'natural'
  | 'no-transcript'
  | 'not-addressed'
  | 'empty';

export interface Direction {
  /** Who speaks, in order: the first answers now, the others after it. */
  speakers: string[];
  reason: DirectionReason;
}

export interface PlayerTurnInput {
  /** The turn's transcript; undefined when none arrived in time (or the provider has none). */
  text: string | undefined;
  hits: readonly AddressHit[];
  addressedOnly: boolean;
  /** People in the room (players), for addressed-only rooms: one person alone is always answered. */
  peoplePresent: number;
}

export function leadOf(ctx: DirectorContext): string | undefined {
  return ctx.members.find((m) => m.id === ctx.leadId)?.id ?? ctx.members[0]?.id;
}

/** Characters addressed (score ≥ ADDRESSED), best first, excluding `except`. */
export function addressedIds(ctx: DirectorContext, hits: readonly AddressHit[], except?: string): string[] {
  const ids = new Set(ctx.members.map((m) => m.id));
  return hits.filter((h) => h.score >= ADDRESSED && ids.has(h.id) && h.id !== except).map((h) => h.id);
}

export function directPlayerTurn(ctx: DirectorContext, turn: PlayerTurnInput): Direction {
  if (ctx.members.length === 0) return { speakers: [], reason: 'empty' };
  const addressed = addressedIds(ctx, turn.hits);
  if (addressed.length)
    return { speakers: addressed.slice(0, Math.max(1, ctx.maxTurns)), reason: 'addressed' };
  if (turn.text === undefined) {
    if (turn.addressedOnly) return { speakers: [leadOf(ctx)!], reason: 'no-transcript' };
    // Without words only a character that heard the audio knows what was said.
    return byMode(ctx, true);
  }
  if (turn.addressedOnly && turn.peoplePresent > 1) return { speakers: [], reason: 'not-addressed' };
  return byMode(ctx, false);
}

/** The character a line addresses, if it is another member (the room checks the chain's bound). */
export function directReaction(
  ctx: DirectorContext,
  line: { speakerId: string; hits: readonly AddressHit[] },
): string | undefined {
  return addressedIds(ctx, line.hits, line.speakerId)[0];
}

/** `/scene next` without a name: the character after the last speaker, in cast order. */
export function forcedNext(ctx: DirectorContext): string | undefined {
  return nextAfter(ctx.members, ctx.lastSpeakerId)?.id;
}

function byMode(ctx: DirectorContext, liveOnly: boolean): Direction {
  const pool = liveOnly ? ctx.members.filter((m) => m.live) : [...ctx.members];
  const lead = leadOf(ctx)!;
  if (pool.length === 0) return { speakers: [lead], reason: ctx.mode === 'lead' ? 'lead' : ctx.mode };
  switch (ctx.mode) {
    case 'lead':
      return { speakers: [pool.some((m) => m.id === lead) ? lead : pool[0]!.id], reason: 'lead' };
    case 'round-robin':
      return { speakers: [nextAfter(pool, ctx.lastSpeakerId, ctx.members)!.id], reason: 'round-robin' };
    case 'natural':
      return { speakers: naturalOrder(ctx, pool).slice(0, Math.max(1, ctx.maxTurns)), reason: 'natural' };
  }
}

/**
 * The member after `lastId` in cast order (`order`, default `pool`), skipping `lastId` itself
 * unless it is alone; the first member when `lastId` is unknown.
 */
function nextAfter(
  pool: readonly DirectorMember[],
  lastId: string | undefined,
  order: readonly DirectorMember[] = pool,
): DirectorMember | undefined {
  if (pool.length <= 1) return pool[0];
  const at = order.findIndex((m) => m.id === lastId);
  for (let step = 1; step <= order.length; step++) {
    const m = order[(Math.max(at, -1) + step + order.length) % order.length]!;
    if (m.id !== lastId && pool.includes(m)) return m;
  }
  return pool[0];
}

/** SillyTavern's natural order, without mentions (addressing is handled before). */
function naturalOrder(ctx: DirectorContext, pool: DirectorMember[]): string[] {
  const eligible = pool.length > 1 ? pool.filter((m) => m.id !== ctx.lastSpeakerId) : pool;
  const shuffled = shuffle(eligible, ctx.random);
  const activated = shuffled.filter((m) => m.talkativeness >= ctx.random() && m.talkativeness > 0);
  if (activated.length) return activated.map((m) => m.id);
  const pick = eligible[Math.min(eligible.length - 1, Math.floor(ctx.random() * eligible.length))]!;
  return [pick.id];
}

function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.min(i, Math.floor(random() * (i + 1)));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
