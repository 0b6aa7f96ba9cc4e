// How a name sounds, for matching what a speech recogniser wrote against the names a character
// answers to. Chinese ASR errors are homophones (马拉 for 玛拉), so Han text is compared by its
// toneless pinyin; a Latin name said in Chinese comes out transliterated (Mara → 玛拉, Brannoc →
// 布兰诺克), so both sides also reduce to a consonant skeleton in which the sounds transliteration
// merges (r/l, v/w, the sibilants) are one class.
//
// The pinyin dictionary (pinyin-pro, 1.2 MB, ~140 ms to load) is loaded on demand: a scene starts
// loading it, and until it is there Han names still match by their characters.

type PinyinFn = (text: string, options: { toneType: 'none'; type: 'array' }) => string[];

let pinyinFn: PinyinFn | undefined;
let loading: Promise<void> | undefined;

/** Loads the pinyin dictionary once; later calls return the same promise. */
export function loadPinyin(): Promise<void> {
  loading ??= import('pinyin-pro').then((m) => {
    pinyinFn = m.pinyin as unknown as PinyinFn;
  });
  return loading;
}

const HAN = /\p{Script=Han}/u;

export function isHan(ch: string): boolean {
  return HAN.test(ch);
}

/** Toneless pinyin of each Han character in `han` (one syllable each), or undefined before the dictionary loads. */
export function pinyinOf(han: string): string[] | undefined {
  if (!pinyinFn) return undefined;
  const chars = [...han];
  const out = pinyinFn(han, { toneType: 'none', type: 'array' });
  // The library returns one entry per character for Han text; anything else means it segmented differently.
  return out.length === chars.length ? out.map((s) => s.toLowerCase()) : undefined;
}

/** Pinyin initials and codas by the class transliteration treats as one sound. */
const PINYIN_INITIALS: [string, string][] = [
  ['zh', 'S'],
  ['ch', 'S'],
  ['sh', 'S'],
  ['b', 'B'],
  ['p', 'B'],
  ['d', 'D'],
  ['t', 'D'],
  ['g', 'G'],
  ['k', 'G'],
  ['h', 'H'],
  ['j', 'S'],
  ['q', 'S'],
  ['x', 'S'],
  ['z', 'S'],
  ['c', 'S'],
  ['s', 'S'],
  ['f', 'F'],
  ['w', 'W'],
  ['l', 'L'],
  ['r', 'L'],
  ['m', 'M'],
  ['n', 'N'],
];

function collapse(classes: string): string {
  return classes.replace(/(.)\1+/g, '$1');
}

/** The consonant skeleton of pinyin syllables: 布兰诺克 (bu lan nuo ke) → "BLNG". */
export function pinyinSkeleton(syllables: readonly string[]): string {
  let out = '';
  for (const s of syllables) {
    if (s === 'er') {
      out += 'L';
      continue;
    }
    const initial = PINYIN_INITIALS.find(([p]) => s.startsWith(p));
    if (initial) out += initial[1];
    if (/n(g)?$/.test(s) && s.length > 1 && !(initial && s === initial[0])) out += 'N';
  }
  return collapse(out);
}

/** The consonant skeleton of a Latin word as it would be transliterated: "Brannoc" → "BLNG". */
export function latinSkeleton(word: string): string {
  const w = word
    .toLowerCase()
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[^a-z]/g, '')
    .replace(/ph/g, 'f')
    .replace(/ck/g, 'k')
    .replace(/qu/g, 'kw')
    .replace(/[st]h|ch|sh|zh/g, 's')
    .replace(/ng$/, 'n')
    .replace(/c(?=[eiy])/g, 's');
  let out = '';
  for (const ch of w) {
    if ('bp'.includes(ch)) out += 'B';
    else if ('dt'.includes(ch)) out += 'D';
    else if ('gkcq'.includes(ch)) out += 'G';
    else if (ch === 'x') out += 'GS';
    else if ('sjz'.includes(ch)) out += 'S';
    else if (ch === 'f') out += 'F';
    else if ('vw'.includes(ch)) out += 'W';
    else if ('lr'.includes(ch)) out += 'L';
    else if (ch === 'm') out += 'M';
    else if (ch === 'n') out += 'N';
    else if (ch === 'h') out += 'H';
  }
  return collapse(out);
}

/**
 * Damerau–Levenshtein distance (adjacent transpositions count one), stopping early past `max`:
 * the value returned is then `max + 1`.
 */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        row.push(j);
        continue;
      }
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, row[j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      row.push(d);
      best = Math.min(best, d);
    }
    rows.push(row);
    if (i > 0 && best > max) return max + 1;
  }
  return rows[a.length]![b.length]!;
}
