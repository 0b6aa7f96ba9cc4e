// Who an utterance is addressed to, from its transcript: each character's names (name, V3
// nickname, short names, aliases in any script) are looked for in what the recogniser wrote,
// exactly or as the errors a recogniser makes (a near spelling, a Chinese homophone, a
// transliteration of a Latin name). Pure; one book per cast.
//
// Scoring, so that ordinary speech does not summon anyone:
// - a name used to call someone (vocative: "Mara, …", "… what do you think, Mara?", "玛拉你…",
//   "…呢，玛拉") scores highest; a plain mention ("I think Mara is lying") still addresses when
//   the name is exact, as SillyTavern's group chats treat a mention;
// - anything inexact (edit distance, homophone, transliteration) counts only as a call;
// - a name that is also an ordinary word ("Will", "captain", "老师") counts only as a call or a
//   capitalised proper noun; after a determiner ("the captain") it is a common noun;
// - a near spelling never lands on an ordinary word or on someone else's exact name.

import {
  DETERMINERS,
  GREETINGS,
  HAN_CALL_FOLLOWERS,
  HAN_CALL_PRECEDERS,
  HAN_GREETINGS,
  ORDINARY_WORDS,
  THIRD_PERSON,
} from './ordinary-words.ts';
import { editDistance, isHan, latinSkeleton, pinyinOf, pinyinSkeleton } from './phonetics.ts';

/** A score at or above this addresses the character; between MENTIONED and it, the name was only mentioned. */
export const ADDRESSED = 0.75;
export const MENTIONED = 0.5;

export interface AddressEntry {
  id: string;
  /** Every name the character answers to. */
  names: readonly string[];
}

export type HitKind = 'exact' | 'split' | 'fuzzy' | 'homophone' | 'transliteration';

export interface AddressHit {
  id: string;
  score: number;
  /** Used to call the character, not just mention it. */
  vocative: boolean;
  kind: HitKind;
  /** Where in the (NFKC) text the name starts: earlier wins a tie. */
  at: number;
  matched: string;
}

interface Seg {
  kind: 'word' | 'han' | 'punct';
  /** Words folded (lowercase, no accents, no possessive); Han and punctuation as written. */
  text: string;
  raw: string;
  at: number;
  possessive: boolean;
}

interface LatinVariant {
  id: string;
  words: string[];
  joined: string;
  ordinary: boolean;
  skeleton: string;
}

interface HanVariant {
  id: string;
  han: string;
  ordinary: boolean;
}

const SEGMENT =
  /(\p{Script=Han}+)|([^\s\p{P}\p{S}\p{Script=Han}]+(?:['’][^\s\p{P}\p{S}\p{Script=Han}]+)*)|([\p{P}\p{S}])/gu;

function fold(word: string): string {
  return word.toLowerCase().normalize('NFD').replace(/\p{M}/gu, '').normalize('NFC');
}

function segment(text: string): Seg[] {
  const out: Seg[] = [];
  for (const m of text.matchAll(SEGMENT)) {
    const raw = m[0];
    if (m[1]) out.push({ kind: 'han', text: raw, raw, at: m.index, possessive: false });
    else if (m[2]) {
      const possessive = /['’]s$/i.test(raw);
      const text = fold(raw.replace(/['’]s$/i, '').replace(/['’]/g, ''));
      out.push({ kind: 'word', text, raw, at: m.index, possessive });
    } else out.push({ kind: 'punct', text: raw, raw, at: m.index, possessive: false });
  }
  return out;
}

export class AddressBook {
  readonly #latin: LatinVariant[] = [];
  readonly #han: (HanVariant & { pinyin?: string[] | undefined })[] = [];
  /** Every exact name in the room (characters' and players'): a near spelling never lands on one. */
  readonly #exactNames = new Set<string>();

  /** `otherNames`: players' labels and other names a near spelling must not be mistaken for. */
  constructor(entries: readonly AddressEntry[], otherNames: readonly string[] = []) {
    for (const e of entries) {
      for (const name of e.names) {
        const han = [...name.normalize('NFKC')].filter(isHan).join('');
        if (han.length >= 2) this.#han.push({ id: e.id, han, ordinary: ORDINARY_WORDS.has(han) });
        const words = segment(name.normalize('NFKC'))
          .filter((s) => s.kind === 'word')
          .map((s) => s.text);
        if (!words.length) continue;
        this.#addLatin(e.id, words);
        // Each distinctive word of a longer name answers too ("Mara" of "Captain Mara Voss").
        if (words.length > 1)
          for (const w of words) if (w.length >= 3 && !ORDINARY_WORDS.has(w)) this.#addLatin(e.id, [w]);
      }
    }
    for (const v of this.#latin) this.#exactNames.add(v.joined);
    for (const n of otherNames) for (const s of segment(n.normalize('NFKC'))) this.#exactNames.add(s.text);
  }

  #addLatin(id: string, words: string[]): void {
    const joined = words.join('');
    if (this.#latin.some((v) => v.id === id && v.joined === joined)) return;
    const ordinary = words.length === 1 && ORDINARY_WORDS.has(joined);
    this.#latin.push({ id, words, joined, ordinary, skeleton: latinSkeleton(joined) });
  }

  /** Characters named in `text`, the best hit per character, best first (score, then position). */
  find(text: string): AddressHit[] {
    const t = text.normalize('NFKC');
    const segs = segment(t);
    const best = new Map<string, AddressHit>();
    const keep = (h: AddressHit) => {
      if (h.score < MENTIONED) return;
      const old = best.get(h.id);
      if (!old || h.score > old.score || (h.score === old.score && h.at < old.at)) best.set(h.id, h);
    };
    const cues = {
      you: segs.some((s) => s.kind === 'word' && /^(you|your|youre|u|ya)$/.test(s.text)),
      question: /[?？]\s*$/.test(t),
    };
    for (let i = 0; i < segs.length; i++) {
      const s = segs[i]!;
      if (s.kind === 'word') this.#matchLatinAt(segs, i, cues, keep);
      else if (s.kind === 'han') this.#matchHanRun(segs, i, keep);
    }
    return [...best.values()].sort((a, b) => b.score - a.score || a.at - b.at);
  }

  #matchLatinAt(
    segs: Seg[],
    i: number,
    cues: { you: boolean; question: boolean },
    keep: (h: AddressHit) => void,
  ): void {
    for (const v of this.#latin) {
      const k = v.words.length;
      for (let n = Math.max(1, k - 1); n <= k + 1; n++) {
        const span = wordsAt(segs, i, n);
        if (!span) break;
        const joined = span.map((s) => s.text).join('');
        let kind: HitKind | undefined;
        if (n === k && span.every((s, j) => s.text === v.words[j])) kind = 'exact';
        else if (joined === v.joined) kind = 'split';
        else if (this.#near(joined, v)) kind = 'fuzzy';
        if (!kind) continue;
        const last = i + n - 1;
        const ctx = latinContext(segs, i, last, cues);
        const proper = /^\p{Lu}/u.test(segs[i]!.raw) && !ctx.atStart;
        keep({
          id: v.id,
          score: scoreOf(kind, ctx.vocative, v.ordinary, proper, ctx.determiner),
          vocative: ctx.vocative,
          kind,
          at: segs[i]!.at,
          matched: span.map((s) => s.raw).join(' '),
        });
      }
    }
    // A Chinese name the recogniser wrote in pinyin ("Yu Lan" for 玉兰).
    for (const v of this.#han) {
      const py = pinyinOfVariant(v);
      if (!py) continue;
      for (let n = 1; n <= Math.min(4, py.length); n++) {
        const span = wordsAt(segs, i, n);
        if (!span || span.map((s) => s.text).join('') !== py.join('')) continue;
        const ctx = latinContext(segs, i, i + n - 1, { you: false, question: false });
        keep({
          id: v.id,
          score: scoreOf('homophone', ctx.vocative, v.ordinary, true, ctx.determiner),
          vocative: ctx.vocative,
          kind: 'homophone',
          at: segs[i]!.at,
          matched: span.map((s) => s.raw).join(' '),
        });
      }
    }
  }

  /** A near spelling: long enough, close enough, same first sound, and not a word or name of its own. */
  #near(word: string, v: LatinVariant): boolean {
    const len = v.joined.length;
    if (len < 4 || v.ordinary || ORDINARY_WORDS.has(word) || this.#exactNames.has(word)) return false;
    const firstSound = word[0] === v.joined[0] || latinSkeleton(word)[0] === v.skeleton[0];
    return firstSound && editDistance(word, v.joined, len >= 7 ? 2 : 1) <= (len >= 7 ? 2 : 1);
  }

  #matchHanRun(segs: Seg[], k: number, keep: (h: AddressHit) => void): void {
    const run = segs[k]!;
    const chars = [...run.text];
    const runPinyin = pinyinOf(run.text);
    const boundaryBefore = k === 0 || segs[k - 1]!.kind === 'punct';
    const boundaryAfter = k === segs.length - 1 || segs[k + 1]!.kind === 'punct';
    const at = (i: number) => run.at + chars.slice(0, i).join('').length;
    const ctx = (i: number, j: number) => hanContext(chars, i, j, boundaryBefore, boundaryAfter);
    for (const v of this.#han) {
      const name = [...v.han];
      const py = pinyinOfVariant(v);
      for (let i = 0; i + name.length <= chars.length; i++) {
        const window = chars.slice(i, i + name.length);
        let kind: HitKind | undefined;
        if (window.join('') === v.han) kind = 'exact';
        else if (py && runPinyin) {
          const heard = runPinyin.slice(i, i + name.length);
          const differing = heard.filter((syl, n) => syl !== py[n]).length;
          if (differing === 0) kind = 'homophone';
          else if (differing === 1 && name.length >= 3) kind = 'fuzzy';
        }
        if (!kind) continue;
        const c = ctx(i, i + name.length);
        keep({
          id: v.id,
          score: scoreOf(kind, c.vocative, v.ordinary, false, false),
          vocative: c.vocative,
          kind,
          at: at(i),
          matched: window.join(''),
        });
      }
    }
    // A Latin name said in Chinese comes out transliterated (Mara → 玛拉): only where a call can be.
    if (!runPinyin) return;
    for (const v of this.#latin) {
      if (v.skeleton.length < 2 || v.ordinary || v.words.length > 1) continue;
      for (let len = 2; len <= Math.min(6, chars.length); len++) {
        for (const i of new Set([afterGreeting(chars), 0, chars.length - len])) {
          if (i < 0 || i + len > chars.length) continue;
          if (pinyinSkeleton(runPinyin.slice(i, i + len)) !== v.skeleton) continue;
          const c = ctx(i, i + len);
          if (!c.vocative) continue;
          const matched = chars.slice(i, i + len).join('');
          keep({
            id: v.id,
            score: scoreOf('transliteration', true, false, true, false),
            vocative: true,
            kind: 'transliteration',
            at: at(i),
            matched,
          });
        }
      }
    }
  }
}

/** A Han name's pinyin, computed once the dictionary is there. */
function pinyinOfVariant(v: { han: string; pinyin?: string[] | undefined }): string[] | undefined {
  v.pinyin ??= pinyinOf(v.han);
  return v.pinyin;
}

/** `n` consecutive words from `i` (no punctuation or Han in between), or undefined. */
function wordsAt(segs: Seg[], i: number, n: number): Seg[] | undefined {
  const span = segs.slice(i, i + n);
  return span.length === n && span.every((s) => s.kind === 'word') ? span : undefined;
}

function latinContext(
  segs: Seg[],
  first: number,
  last: number,
  cues: { you: boolean; question: boolean },
): { vocative: boolean; atStart: boolean; determiner: boolean } {
  let p = first - 1;
  while (p >= 0 && segs[p]!.kind === 'word' && GREETINGS.has(segs[p]!.text)) p--;
  const atStart = p < 0 || segs[p]!.kind === 'punct';
  const next = segs[last + 1];
  const atEnd = !next || next.kind === 'punct';
  const prev = segs[first - 1];
  const determiner = prev?.kind === 'word' && DETERMINERS.has(prev.text);
  const statement = next?.kind === 'word' && THIRD_PERSON.has(next.text);
  const vocative =
    !segs[last]!.possessive &&
    !determiner &&
    ((atStart && (atEnd || !statement)) || (atEnd && (cues.you || cues.question)));
  return { vocative, atStart, determiner };
}

/** Where a Han run's words start once leading greetings (嘿, 喂, 你好…) are skipped. */
function afterGreeting(chars: string[]): number {
  let rest = chars.join('');
  for (let changed = true; changed && rest; ) {
    changed = false;
    for (const g of HAN_GREETINGS)
      if (rest.startsWith(g)) {
        rest = rest.slice(g.length);
        changed = true;
      }
  }
  return chars.length - [...rest].length;
}

function hanContext(
  chars: string[],
  i: number,
  j: number,
  boundaryBefore: boolean,
  boundaryAfter: boolean,
): { vocative: boolean } {
  const atStart = boundaryBefore && afterGreeting(chars.slice(0, i)) === i;
  const atEnd = boundaryAfter && j === chars.length;
  const callFollows = j < chars.length && HAN_CALL_FOLLOWERS.includes(chars[j]!);
  const particleBefore = i > 0 && HAN_CALL_PRECEDERS.includes(chars[i - 1]!);
  return { vocative: (atStart && (atEnd || callFollows)) || (atEnd && particleBefore) };
}

/** The score table the header describes. */
function scoreOf(
  kind: HitKind,
  vocative: boolean,
  ordinary: boolean,
  proper: boolean,
  determiner: boolean,
): number {
  if (vocative) return kind === 'exact' ? 1 : kind === 'split' ? 0.95 : kind === 'homophone' ? 0.9 : 0.8;
  if (determiner) return 0.4;
  switch (kind) {
    case 'exact':
      return ordinary && !proper ? 0.4 : 0.85;
    case 'split':
      return ordinary ? 0.4 : 0.8;
    case 'homophone':
      return 0.6;
    case 'fuzzy':
      return 0.5;
    default:
      return 0;
  }
}
