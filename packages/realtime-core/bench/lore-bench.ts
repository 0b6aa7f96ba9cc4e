// Lorebook cost per conversation turn: LoreEngine.select on a typical card book and on the largest book a
// card may carry (every cap at its limit, regex keys included), plus rendering the instructions.
import {
  type Lorebook,
  LoreEngine,
  type LoreEntry,
  renderInstructions,
  type TranscriptLine,
} from '../src/index.ts';
import { importCharacterCard } from '../src/persona/character-card.ts';
import { type Candidate, printTable, timeInterleaved } from './harness.ts';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function word(r: () => number, zh: boolean): string {
  if (zh)
    return Array.from({ length: 2 }, () => String.fromCharCode(0x4e00 + Math.floor(r() * 2000))).join('');
  return Array.from({ length: 4 + Math.floor(r() * 6) }, () =>
    String.fromCharCode(97 + Math.floor(r() * 26)),
  ).join('');
}

function book(entries: number, keysPerEntry: number, regexKeys: number, contentChars: number): Lorebook {
  const r = rng(entries * 7 + keysPerEntry);
  let regexLeft = regexKeys;
  const list: LoreEntry[] = Array.from({ length: entries }, (_, i) => ({
    id: String(i),
    keys: Array.from({ length: keysPerEntry }, (_, k) => {
      if (k === 0 && regexLeft-- > 0) return `/\\b${word(r, false)}s?\\b/i`;
      return word(r, k % 3 === 0);
    }),
    secondaryKeys: i % 4 === 0 ? [word(r, false), word(r, true)] : [],
    selective: i % 4 === 0,
    selectiveLogic: (['and_any', 'not_all', 'not_any', 'and_all'] as const)[i % 4]!,
    content: 'lore '.repeat(contentChars / 5),
    enabled: true,
    constant: i % 50 === 0,
    insertionOrder: i,
    position: 'after_char',
    useRegex: false,
    excludeRecursion: false,
    preventRecursion: false,
    decorators: {},
  }));
  return { entries: list, recursiveScanning: true, tokenBudget: 4096 };
}

function transcript(lines: number): TranscriptLine[] {
  const r = rng(lines);
  return Array.from({ length: lines }, (_, i) => ({
    speaker: i % 2 ? 'Brannoc' : 'Ana',
    text: Array.from({ length: 30 }, () => word(r, r() < 0.3)).join(' '),
  }));
}

export function runLoreBench(): void {
  const typical = new LoreEngine(book(60, 3, 4, 300));
  const largest = new LoreEngine(book(500, 50, 32, 400));
  const short = transcript(4);
  const long = transcript(100);
  const o = { char: 'Brannoc', user: 'Ana' };
  const persona = importCharacterCard(
    new TextEncoder().encode(
      JSON.stringify({
        spec: 'chara_card_v2',
        data: {
          name: 'Brannoc',
          description: 'An old ferryman. '.repeat(500),
          character_book: { entries: [] },
        },
      }),
    ),
    'b.json',
  );
  const lore = typical.select(short, o);
  const candidates: Candidate[] = [
    { name: 'select: 60 entries × 3 keys, 4 lines', run: () => typical.select(short, o) },
    { name: 'select: 500 entries × 50 keys (32 regex), 4 lines', run: () => largest.select(short, o) },
    {
      name: 'select: 500 entries × 50 keys (32 regex), 100 lines',
      run: () => largest.select(long, { ...o, defaultScanDepth: 100 }),
    },
    {
      name: 'renderInstructions: 8.5k-char card + lore',
      run: () => renderInstructions(persona, { speaker: 'Ana', lore }),
    },
  ];
  const times = timeInterleaved(candidates, 3, 7);
  printTable(
    'Lorebook and rendering cost per turn',
    ['operation', 'µs/turn', 'turns/s/core'],
    [...times].map(([name, us]) => [name, us, String(Math.floor(1e6 / us))]),
  );
  console.log(JSON.stringify({ bench: 'lorebook', unit: 'us_per_turn', results: Object.fromEntries(times) }));
}
