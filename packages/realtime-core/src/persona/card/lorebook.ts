// The lorebook engine: which entries of a card's `character_book` go into the prompt for the live
// transcript, following the V2/V3 specs and SillyTavern's world-info scan:
// - keys match the newest `scan_depth` lines ("Name: text"); `constant` entries always fire; disabled
//   entries never do; `selective` entries also test their secondary keys with SillyTavern's logic
//   (AND ANY, NOT ALL, NOT ANY, AND ALL);
// - the budget keeps entries by priority (V3: `priority`, else `insertion_order`, higher kept first) and,
//   like SillyTavern, stops at the first entry that does not fit;
// - with `recursive_scanning`, fired entries' text can fire others, for a bounded number of steps;
// - the output is in `insertion_order` (lower first), with each entry's position.
// Pure: randomness (entry probability) and conversation state (turn count, greeting, earlier firings)
// are passed in. https://github.com/kwaroran/character-card-spec-v3/blob/main/SPEC_V3.md#lorebook-fields
import type { Lorebook, LoreEntry, LorePosition } from './card-schema.ts';
import { type KeyMatcher, prepareKey, type ScanText, scanText } from './key-match.ts';
import { renderMacros } from './macros.ts';
import { estimateTokens } from './tokens.ts';

export interface TranscriptLine {
  /** Who said it (a player's display name or a character's name); scanned as "Name: text". */
  speaker?: string;
  text: string;
}

export interface LoreScanOptions {
  /** `{{char}}` and `{{user}}` in keys and contents. */
  char: string;
  user: string;
  /** Lines scanned when neither the book nor the entry says (SillyTavern's default is 2). */
  defaultScanDepth?: number;
  /** Tokens for lore when the book sets no `token_budget`. */
  defaultTokenBudget?: number;
  /** Ceiling on any book's `token_budget`: the instructions must stay a sensible size. */
  maxTokenBudget?: number;
  /** Recursion steps after the first scan, when the book enables `recursive_scanning`. */
  maxRecursionSteps?: number;
  /** In [0, 1): rolls for entries with a probability below 100. Without it they always fire. */
  random?: () => number;
  /** The character's lines so far, for `@@activate_only_after`/`@@activate_only_every`. */
  characterTurns?: number;
  /** The greeting used at the start (0 = first_mes, n = alternate n), for `@@is_greeting`. */
  greetingIndex?: number;
  /** Entry ids that fired on earlier turns, for `@@keep_activate_after_match`/`@@dont_activate_after_match`. */
  previouslyFired?: ReadonlySet<string>;
}

export type LoreReason = 'constant' | 'key' | 'decorator' | 'kept' | 'recursion';

export interface FiredLore {
  id: string;
  label?: string;
  /** Content with macros resolved (still card text: fence it before it reaches the model). */
  text: string;
  position: LorePosition;
  depth?: number;
  insertionOrder: number;
  tokens: number;
  reason: LoreReason;
  /** The key that matched, for `reason: 'key' | 'recursion'`. */
  key?: string;
}

export interface LoreSelection {
  /** Entries to insert, in insertion order (lower `insertion_order` first). */
  entries: FiredLore[];
  /** Ids that matched but did not fit the budget. */
  overBudget: string[];
  tokens: number;
  budget: number;
  /** Prompts a fired entry's `@@disable_ui_prompt` switches off. */
  disablePrompts: ('system_prompt' | 'post_history_instructions')[];
}

export const LORE_DEFAULTS = {
  scanDepth: 2,
  tokenBudget: 1024,
  maxTokenBudget: 4096,
  maxRecursionSteps: 3,
  /** Scanned characters per line and in all, newest kept. */
  lineChars: 2_000,
  scanChars: 16_000,
  maxScanDepth: 100,
} as const;

interface KeyLists {
  keys: [string, KeyMatcher][];
  secondary: [string, KeyMatcher][];
  additional: [string, KeyMatcher][];
  exclude: [string, KeyMatcher][];
}

/** Whether any key that could make the entry fire occurs in `text`. */
function mentioned(l: KeyLists, text: ScanText): boolean {
  return [l.keys, l.secondary, l.additional].some((list) => list.some(([, m]) => m(text)));
}

interface Prepared extends KeyLists {
  entry: LoreEntry;
  index: number;
  /** Keys with macros, prepared per scan (the speaker changes). */
  dynamic: boolean;
}

function prepareList(
  keys: readonly string[],
  e: LoreEntry,
  macro?: { char: string; user: string },
): [string, KeyMatcher][] {
  const o = {
    caseSensitive: e.caseSensitive ?? false,
    matchWholeWords: e.matchWholeWords ?? true,
    useRegex: e.useRegex,
  };
  const out: [string, KeyMatcher][] = [];
  for (const raw of keys) {
    const key = macro ? renderMacros(raw, macro) : raw;
    const { matcher } = prepareKey(key, o);
    if (matcher) out.push([key, matcher]);
  }
  return out;
}

const hasMacro = (keys: readonly string[]) => keys.some((k) => /\{\{|<(user|bot|char)>/i.test(k));

/** A card's lorebook with its keys compiled once; `select` runs per turn. */
export class LoreEngine {
  readonly book: Lorebook;
  readonly #prepared: Prepared[];

  constructor(book: Lorebook) {
    this.book = book;
    this.#prepared = book.entries
      .map((entry, index) => {
        const all = [
          ...entry.keys,
          ...entry.secondaryKeys,
          ...(entry.decorators.additionalKeys ?? []),
          ...(entry.decorators.excludeKeys ?? []),
        ];
        const dynamic = hasMacro(all);
        return {
          entry,
          index,
          dynamic,
          keys: dynamic ? [] : prepareList(entry.keys, entry),
          secondary: dynamic ? [] : prepareList(entry.secondaryKeys, entry),
          additional: dynamic ? [] : prepareList(entry.decorators.additionalKeys ?? [], entry),
          exclude: dynamic ? [] : prepareList(entry.decorators.excludeKeys ?? [], entry),
        };
      })
      .filter((p) => p.entry.enabled)
      .sort(
        (a, b) =>
          rank(b.entry) - rank(a.entry) ||
          b.entry.insertionOrder - a.entry.insertionOrder ||
          a.index - b.index,
      );
  }

  select(transcript: readonly TranscriptLine[], o: LoreScanOptions): LoreSelection {
    const macro = { char: o.char, user: o.user };
    const maxBudget = o.maxTokenBudget ?? LORE_DEFAULTS.maxTokenBudget;
    const budget = Math.max(
      0,
      Math.min(maxBudget, this.book.tokenBudget ?? o.defaultTokenBudget ?? LORE_DEFAULTS.tokenBudget),
    );
    const bookDepth = this.book.scanDepth ?? o.defaultScanDepth ?? LORE_DEFAULTS.scanDepth;
    const texts = new Map<number, string>();
    const windowText = (depth: number): string => {
      const d = Math.min(LORE_DEFAULTS.maxScanDepth, Math.max(0, depth));
      let t = texts.get(d);
      if (t === undefined) {
        t =
          d === 0
            ? ''
            : transcript
                .slice(-d)
                .map((l) => `${l.speaker ? `${l.speaker}: ` : ''}${l.text.slice(0, LORE_DEFAULTS.lineChars)}`)
                .join('\n')
                .slice(-LORE_DEFAULTS.scanChars);
        texts.set(d, t);
      }
      return t;
    };
    const scanned = new Map<string, ScanText>();
    const scan = (depth: number, recursion: string): ScanText => {
      const key = `${depth}\u0000${recursion.length}`;
      let s = scanned.get(key);
      if (!s) {
        s = scanText(recursion ? `${windowText(depth)}\n${recursion}` : windowText(depth));
        scanned.set(key, s);
      }
      return s;
    };
    const fired = new Map<string, FiredLore>();
    const failed = new Set<string>();
    const overBudget: string[] = [];
    let used = 0;
    let overflowed = false;
    let recursion = '';
    const recursive = this.book.recursiveScanning ?? false;
    const maxSteps = recursive ? (o.maxRecursionSteps ?? LORE_DEFAULTS.maxRecursionSteps) : 0;
    const dynamicLists = new Map<Prepared, KeyLists>();
    const listsOf = (p: Prepared): KeyLists => {
      if (!p.dynamic) return p;
      let l = dynamicLists.get(p);
      if (!l) {
        const e = p.entry;
        l = {
          keys: prepareList(e.keys, e, macro),
          secondary: prepareList(e.secondaryKeys, e, macro),
          additional: prepareList(e.decorators.additionalKeys ?? [], e, macro),
          exclude: prepareList(e.decorators.excludeKeys ?? [], e, macro),
        };
        dynamicLists.set(p, l);
      }
      return l;
    };
    // Text added by the previous step: an entry that did not fire before can only fire now if one of its
    // keys is in it (a few hundred characters), so most entries are ruled out without rescanning.
    let added: ScanText | undefined;
    for (let step = 0; step <= maxSteps && !overflowed; step++) {
      const found: [Prepared, LoreReason, string | undefined][] = [];
      for (const p of this.#prepared) {
        if (fired.has(p.entry.id) || failed.has(p.entry.id)) continue;
        if (step > 0 && p.entry.excludeRecursion) continue;
        if (added && !mentioned(listsOf(p), added)) continue;
        const decision = this.#decide(p, o, listsOf(p), (depth) => scan(depth, recursion), bookDepth);
        if (decision)
          found.push([p, step > 0 && decision[0] === 'key' ? 'recursion' : decision[0], decision[1]]);
      }
      let fresh = '';
      for (const [p, reason, key] of found) {
        const e = p.entry;
        if (e.probability !== undefined && (o.random ? o.random() : 0) * 100 >= e.probability) {
          failed.add(e.id);
          continue;
        }
        const text = renderMacros(e.content, macro).trim();
        if (!text) continue;
        const tokens = estimateTokens(text);
        if (overflowed || used + tokens > budget) {
          overflowed = true;
          overBudget.push(e.id);
          continue;
        }
        used += tokens;
        fired.set(e.id, {
          id: e.id,
          ...(e.label ? { label: e.label } : {}),
          text,
          position: e.position,
          ...(e.depth !== undefined ? { depth: e.depth } : {}),
          insertionOrder: e.insertionOrder,
          tokens,
          reason,
          ...(key !== undefined ? { key } : {}),
        });
        if (!e.preventRecursion) fresh += `\n${text}`;
      }
      if (!fresh) break;
      recursion += fresh;
      added = scanText(fresh);
    }
    const order = new Map(this.book.entries.map((e, i) => [e.id, i]));
    const entries = [...fired.values()].sort(
      (a, b) => a.insertionOrder - b.insertionOrder || order.get(a.id)! - order.get(b.id)!,
    );
    const disable = new Set<'system_prompt' | 'post_history_instructions'>();
    for (const f of entries)
      for (const d of this.#entry(f.id)?.decorators.disablePrompts ?? []) disable.add(d);
    return { entries, overBudget, tokens: used, budget, disablePrompts: [...disable] };
  }

  #entry(id: string): LoreEntry | undefined {
    return this.#prepared.find((p) => p.entry.id === id)?.entry;
  }

  /** Whether one entry fires now, and why. */
  #decide(
    p: Prepared,
    o: LoreScanOptions,
    lists: KeyLists,
    scan: (depth: number) => ScanText,
    bookDepth: number,
  ): [LoreReason, string?] | undefined {
    const e = p.entry;
    const d = e.decorators;
    if (d.isGreeting !== undefined && o.greetingIndex !== undefined && d.isGreeting !== o.greetingIndex)
      return undefined;
    if (
      d.activateOnlyAfter !== undefined &&
      o.characterTurns !== undefined &&
      o.characterTurns < d.activateOnlyAfter
    )
      return undefined;
    if (
      d.activateOnlyEvery !== undefined &&
      o.characterTurns !== undefined &&
      o.characterTurns % d.activateOnlyEvery !== 0
    )
      return undefined;
    const before = o.previouslyFired?.has(e.id) ?? false;
    if (d.dontActivateAfterMatch && before) return undefined;
    if (d.keepActivateAfterMatch && before) return ['kept'];
    if (d.activate) return ['decorator'];
    if (d.dontActivate) return undefined;
    // The V3 text says `constant` is ignored when `use_regex` is set, but SillyTavern stamps `use_regex: true`
    // on every entry it exports (its own constants among them) and always honours `constant`: so does Troupe.
    if (e.constant) return ['constant'];
    if (!lists.keys.length) return undefined;
    const text = scan(e.scanDepth ?? d.scanDepth ?? bookDepth);
    const hit = lists.keys.find(([, m]) => m(text));
    if (!hit) return undefined;
    if (lists.additional.length && !lists.additional.some(([, m]) => m(text))) return undefined;
    if (lists.exclude.some(([, m]) => m(text))) return undefined;
    if (e.selective && lists.secondary.length) {
      const hits = lists.secondary.filter(([, m]) => m(text)).length;
      const all = hits === lists.secondary.length;
      const pass =
        e.selectiveLogic === 'and_any'
          ? hits > 0
          : e.selectiveLogic === 'and_all'
            ? all
            : e.selectiveLogic === 'not_any'
              ? hits === 0
              : !all;
      if (!pass) return undefined;
    }
    return ['key', hit[0]];
  }
}

/** Budget rank: V3 `priority` when the entry has one, else its `insertion_order`. */
function rank(e: LoreEntry): number {
  return e.priority ?? e.insertionOrder;
}

/** One-off selection (prefer a LoreEngine kept per card, which compiles the keys once). */
export function selectLore(
  book: Lorebook,
  transcript: readonly TranscriptLine[],
  o: LoreScanOptions,
): LoreSelection {
  return new LoreEngine(book).select(transcript, o);
}
