// Lorebook key matching. Plain keys match case-insensitively unless the entry says otherwise; Latin
// (space-separated) keys match whole words only, while keys in scripts written without spaces (Chinese,
// Japanese, Korean, Thai…) match as substrings, since "魔法" must fire in "我会魔法吗". Keys written
// `/pattern/flags` are regular expressions (SillyTavern's convention); they run on RE2 (re2js), whose
// matching time is linear in the text, so a card's pattern cannot stall the process however it is
// written. Patterns RE2 cannot run (lookaround, backreferences) are refused with a warning.
import { RE2JS } from 're2js';

/** Scripts written without spaces between words: their keys match as substrings. */
const NO_SPACE_SCRIPT =
  /[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]/;
const WORD_CHAR = /[\p{L}\p{N}_]/u;
/** Bounds the work one card's patterns can cause (RE2 is linear, but the constant matters per turn). */
export const MAX_PATTERN_LENGTH = 500;
const REGEX_META = /[\\^$.|?*+()[\]{}]/;

const NO_SPACE_GLOBAL = new RegExp(NO_SPACE_SCRIPT.source, 'g');
const WORD_RUNS = /[\p{L}\p{N}_]+/gu;
const ALL_WORD_CHARS = /^[\p{L}\p{N}_]+$/u;

/**
 * Scanned text, normalised once (NFKC folds full-width Latin in Chinese text: "ＤＲＡＧＯＮ" → "DRAGON"),
 * with indexes built on first use so a book of thousands of keys costs a set lookup per key, not a scan:
 * its whole words (for whole-word keys) and its two-character pieces (to rule out other keys quickly).
 */
export class ScanText {
  readonly exact: string;
  readonly folded: string;
  readonly #words: (Set<string> | undefined)[] = [];
  readonly #pairs: (Set<string> | undefined)[] = [];

  constructor(text: string) {
    this.exact = text.normalize('NFKC');
    this.folded = this.exact.toLowerCase();
  }

  text(caseSensitive: boolean): string {
    return caseSensitive ? this.exact : this.folded;
  }

  /** Runs of word characters, split at characters of scripts written without spaces. */
  words(caseSensitive: boolean): Set<string> {
    const i = caseSensitive ? 1 : 0;
    let set = this.#words[i];
    if (!set) {
      set = new Set();
      for (const run of this.text(caseSensitive).match(WORD_RUNS) ?? [])
        for (const w of run.split(NO_SPACE_GLOBAL)) if (w) set.add(w);
      this.#words[i] = set;
    }
    return set;
  }

  pairs(caseSensitive: boolean): Set<string> {
    const i = caseSensitive ? 1 : 0;
    let set = this.#pairs[i];
    if (!set) {
      set = new Set();
      const t = this.text(caseSensitive);
      for (let at = 0; at + 2 <= t.length; at++) set.add(t.slice(at, at + 2));
      this.#pairs[i] = set;
    }
    return set;
  }
}

export function scanText(text: string): ScanText {
  return new ScanText(text);
}

export interface KeyOptions {
  caseSensitive: boolean;
  matchWholeWords: boolean;
  /** V3 `use_regex`: keys not written `/…/` may still be patterns (matched as text too, see below). */
  useRegex: boolean;
}

export type KeyMatcher = (text: ScanText) => boolean;

/** Parses SillyTavern's `/pattern/flags` form; undefined when the key is not written that way. */
export function regexLiteral(key: string): { source: string; flags: string } | undefined {
  const m = /^\/([\s\S]+)\/([a-z]*)$/.exec(key.trim());
  if (!m || !/^[dgimsuvy]*$/.test(m[2]!)) return undefined;
  return { source: m[1]!, flags: m[2]! };
}

function compile(source: string, flags: string): RE2JS {
  if (source.length > MAX_PATTERN_LENGTH) throw new Error(`longer than ${MAX_PATTERN_LENGTH} characters`);
  let f = 0;
  if (flags.includes('i')) f |= RE2JS.CASE_INSENSITIVE;
  if (flags.includes('m')) f |= RE2JS.MULTILINE;
  if (flags.includes('s')) f |= RE2JS.DOTALL;
  return RE2JS.compile(source, f);
}

function isWordChar(ch: string | undefined): boolean {
  return ch !== undefined && WORD_CHAR.test(ch) && !NO_SPACE_SCRIPT.test(ch);
}

/** The code point that starts at `i`, or undefined past the end. */
function pointAt(s: string, i: number): string | undefined {
  const cp = s.codePointAt(i);
  return cp === undefined ? undefined : String.fromCodePoint(cp);
}

/** The code point that ends just before `i`, or undefined at the start. */
function pointBefore(s: string, i: number): string | undefined {
  if (i <= 0) return undefined;
  const low = s.charCodeAt(i - 1);
  const pair = low >= 0xdc00 && low <= 0xdfff && i >= 2;
  return pair ? s.slice(i - 2, i) : s[i - 1];
}

function plainMatcher(key: string, o: KeyOptions): KeyMatcher | undefined {
  const base = key.trim().normalize('NFKC');
  if (!base) return undefined;
  const cs = o.caseSensitive;
  const needle = cs ? base : base.toLowerCase();
  // Boundaries only where the key itself starts or ends with a letter of a space-separated script.
  const needStart = o.matchWholeWords && isWordChar(pointAt(needle, 0));
  const needEnd = o.matchWholeWords && isWordChar(pointBefore(needle, needle.length));
  if (needStart && needEnd && ALL_WORD_CHARS.test(needle) && !NO_SPACE_SCRIPT.test(needle))
    return (text) => text.words(cs).has(needle);
  const head = needle.slice(0, 2);
  return (text) => {
    if (head.length === 2 && !text.pairs(cs).has(head)) return false;
    const hay = text.text(cs);
    for (let at = hay.indexOf(needle); at >= 0; at = hay.indexOf(needle, at + 1)) {
      if (needStart && isWordChar(pointBefore(hay, at))) continue;
      if (needEnd && isWordChar(pointAt(hay, at + needle.length))) continue;
      return true;
    }
    return false;
  };
}

export interface PreparedKey {
  matcher?: KeyMatcher;
  /** Why a pattern was refused (the key then never matches, per the V3 spec for invalid patterns). */
  problem?: string;
}

/** Prepares one key. Never throws. */
export function prepareKey(key: string, o: KeyOptions): PreparedKey {
  const literal = regexLiteral(key);
  if (literal) {
    try {
      const re = compile(literal.source, literal.flags);
      // The pattern decides its own case and boundaries, as in SillyTavern.
      return { matcher: (text) => re.test(text.exact) };
    } catch (err) {
      return { problem: `pattern ${key.slice(0, 60)} was refused (${(err as Error).message.slice(0, 120)})` };
    }
  }
  const plain = plainMatcher(key, o);
  if (!plain) return {};
  if (!o.useRegex || !REGEX_META.test(key)) return { matcher: plain };
  // SillyTavern writes `use_regex: true` on every entry it exports while its keys stay plain text, and
  // RisuAI's regex keys have no slashes: a V3 `use_regex` key matches as text or as a pattern.
  try {
    const re = compile(key.trim(), o.caseSensitive ? '' : 'i');
    return { matcher: (text) => plain(text) || re.test(text.exact) };
  } catch {
    return { matcher: plain };
  }
}
