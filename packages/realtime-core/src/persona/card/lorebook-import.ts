// Reads a card's `character_book` (Character Card V2/V3) into Troupe's lorebook, keeping the fields
// SillyTavern stores in each entry's `extensions` (its world-info settings) and the V3 decorators.
// Tolerant: a malformed entry is dropped with a warning, the rest of the book still loads.
// V2: https://github.com/malfoyslastname/character-card-spec-v2/blob/main/spec_v2.md#character_book
// V3: https://github.com/kwaroran/character-card-spec-v3/blob/main/SPEC_V3.md#lorebook-fields
import {
  CARD_LIMITS,
  type Lorebook,
  type LoreEntry,
  type LorePosition,
  type SelectiveLogic,
} from './card-schema.ts';
import { parseDecorators } from './decorators.ts';
import { FieldReader, isObject, type Json, Warnings } from './fields.ts';
import { prepareKey, regexLiteral } from './key-match.ts';

/** SillyTavern's `world_info_logic` numbering. */
const LOGIC: Record<number, SelectiveLogic> = { 0: 'and_any', 1: 'not_all', 2: 'not_any', 3: 'and_all' };
/** SillyTavern's `world_info_position` numbering, onto the positions Troupe renders. */
const ST_POSITION: Record<number, LorePosition | 'outlet'> = {
  0: 'before_char',
  1: 'after_char',
  2: 'after_char', // author's note (top): Troupe has no author's note
  3: 'after_char', // author's note (bottom)
  4: 'at_depth',
  5: 'after_char', // before the example messages
  6: 'after_char', // after the example messages
  7: 'outlet', // only inserted where a prompt names the outlet: never, here
};
/** SillyTavern's DEFAULT_DEPTH for "at depth" entries. */
const DEFAULT_AT_DEPTH = 4;
const MAX_REGEX_KEYS = 32;

const ST_UNSUPPORTED: [string, (ext: FieldReader) => boolean][] = [
  ['inclusion groups', (e) => e.text('group', 200) !== ''],
  ['sticky', (e) => (e.number('sticky') ?? 0) > 0],
  ['cooldown', (e) => (e.number('cooldown') ?? 0) > 0],
  ['delay', (e) => (e.number('delay') ?? 0) > 0],
  ['delay until recursion', (e) => Boolean(e.raw.delay_until_recursion)],
];

function entryId(raw: unknown, index: number, used: Set<string>): string {
  const wanted =
    (typeof raw === 'number' && Number.isFinite(raw)) || (typeof raw === 'string' && raw.trim())
      ? String(raw).trim().slice(0, 48)
      : String(index);
  const id = used.has(wanted) ? `${wanted}#${index}` : wanted;
  used.add(id);
  return id;
}

function readEntry(
  r: FieldReader,
  index: number,
  used: Set<string>,
  notes: Map<string, number>,
): LoreEntry | undefined {
  const ext = r.child('extensions') ?? new FieldReader({}, `${r.field('extensions')}.`, new Warnings());
  const parsed = parseDecorators(r.text('content', CARD_LIMITS.loreContent));
  for (const d of parsed.ignored) notes.set(`decorator ${d}`, (notes.get(`decorator ${d}`) ?? 0) + 1);
  // SillyTavern's own world-info entries name these key/keysecondary/disable/order: accepted too.
  const field = (spec: string, st: string) =>
    r.raw[spec] === undefined && r.raw[st] !== undefined ? st : spec;
  const keys = r.textList(field('keys', 'key'), CARD_LIMITS.loreKeys, CARD_LIMITS.loreKey, {
    splitCommas: true,
  });
  const secondaryKeys = r.textList(
    field('secondary_keys', 'keysecondary'),
    CARD_LIMITS.loreKeys,
    CARD_LIMITS.loreKey,
    {
      splitCommas: true,
    },
  );
  const disabled = r.raw.enabled === undefined ? r.bool('disable') : undefined;
  const stPosition = ext.number('position');
  let position: LorePosition | 'outlet' =
    stPosition !== undefined && ST_POSITION[stPosition] !== undefined
      ? ST_POSITION[stPosition]
      : r.raw.position === 'before_char'
        ? 'before_char'
        : 'after_char';
  if (stPosition !== undefined && [2, 3, 5, 6].includes(stPosition))
    notes.set("SillyTavern's author's-note and example positions (placed after the character)", 1);
  if (parsed.position) position = parsed.position;
  for (const [feature, used] of ST_UNSUPPORTED) if (used(ext)) notes.set(`SillyTavern ${feature}`, 1);
  const logicNumber = ext.number('selectiveLogic') ?? r.number('selectiveLogic') ?? 0;
  const useProbability = ext.bool('useProbability') ?? true;
  const probability = ext.number('probability');
  const depth = parsed.decorators.depth ?? ext.number('depth');
  const scanDepth = parsed.decorators.scanDepth ?? ext.number('scan_depth');
  const caseSensitive = r.bool('case_sensitive') ?? ext.bool('case_sensitive');
  const matchWholeWords = ext.bool('match_whole_words');
  const priority = r.number('priority');
  const label = r.text('comment', 200) || r.text('name', 200);
  const entry: LoreEntry = {
    id: entryId(r.raw.id, index, used),
    ...(label ? { label } : {}),
    keys,
    secondaryKeys,
    // Missing `selective` with secondary keys present: the author meant them (SillyTavern marks every entry selective).
    selective: r.bool('selective') ?? secondaryKeys.length > 0,
    selectiveLogic: LOGIC[logicNumber] ?? 'and_any',
    content: parsed.content,
    // An outlet entry is only inserted where a prompt names its outlet, which Troupe's never do.
    enabled: position !== 'outlet' && (r.bool('enabled') ?? (disabled === undefined ? true : !disabled)),
    constant: r.bool('constant') ?? false,
    insertionOrder: r.number(field('insertion_order', 'order')) ?? 100,
    ...(priority !== undefined ? { priority } : {}),
    position: position === 'outlet' ? 'after_char' : position,
    ...(position === 'at_depth' ? { depth: clampCount(depth ?? DEFAULT_AT_DEPTH) } : {}),
    ...(caseSensitive !== undefined ? { caseSensitive } : {}),
    ...(matchWholeWords !== undefined ? { matchWholeWords } : {}),
    useRegex: r.bool('use_regex') ?? false,
    ...(scanDepth !== undefined ? { scanDepth: clampCount(scanDepth) } : {}),
    excludeRecursion: ext.bool('exclude_recursion') ?? false,
    preventRecursion: ext.bool('prevent_recursion') ?? false,
    ...(useProbability && probability !== undefined && probability < 100
      ? { probability: Math.max(0, probability) }
      : {}),
    decorators: parsed.decorators,
  };
  if (position === 'outlet') notes.set('SillyTavern outlet entries (never inserted)', 1);
  return entry;
}

function clampCount(n: number): number {
  return Math.max(0, Math.min(1_000_000, Math.floor(n)));
}

/** Reads `character_book`; undefined when the card has none or it has no usable entries. */
export function readLorebook(raw: unknown, path: string, warnings: Warnings): Lorebook | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isObject(raw)) {
    warnings.add(`${path} should be a lorebook object; it was ignored`);
    return undefined;
  }
  const r = new FieldReader(raw, `${path}.`, warnings);
  let rawEntries: unknown[] = [];
  if (Array.isArray(raw.entries)) rawEntries = raw.entries;
  // SillyTavern's own world-info files key entries by uid; accept that shape too.
  else if (isObject(raw.entries)) rawEntries = Object.values(raw.entries);
  else if (raw.entries !== undefined)
    warnings.add(`${path}.entries should be a list; the lorebook was ignored`);
  if (rawEntries.length > CARD_LIMITS.loreEntries)
    warnings.add(
      `${path} has ${rawEntries.length} entries; only the first ${CARD_LIMITS.loreEntries} were kept`,
    );
  const used = new Set<string>();
  const notes = new Map<string, number>();
  const entries: LoreEntry[] = [];
  let total = 0;
  let regexKeys = 0;
  for (const [index, item] of rawEntries.slice(0, CARD_LIMITS.loreEntries).entries()) {
    if (!isObject(item)) {
      warnings.add(`${path}.entries.${index} is not an entry object; it was ignored`);
      continue;
    }
    const entry = readEntry(
      new FieldReader(item as Json, `${path}.entries.${index}.`, warnings),
      index,
      used,
      notes,
    );
    if (!entry) continue;
    if (total + entry.content.length > CARD_LIMITS.loreTotal) {
      warnings.add(
        `the lorebook's text passes ${CARD_LIMITS.loreTotal} characters; entries from ${index} on were ignored`,
      );
      break;
    }
    total += entry.content.length;
    for (const key of [...entry.keys, ...entry.secondaryKeys, ...(entry.decorators.additionalKeys ?? [])]) {
      const pattern = regexLiteral(key) !== undefined;
      if (pattern && ++regexKeys > MAX_REGEX_KEYS) {
        warnings.add(
          `lore entry ${entry.id}: pattern ${key.slice(0, 40)} ignored (a card may use ${MAX_REGEX_KEYS} patterns)`,
        );
        entry.keys = entry.keys.filter((k) => k !== key);
        entry.secondaryKeys = entry.secondaryKeys.filter((k) => k !== key);
        continue;
      }
      const { problem } = prepareKey(key, {
        caseSensitive: false,
        matchWholeWords: true,
        useRegex: entry.useRegex,
      });
      if (problem) warnings.add(`lore entry ${entry.id}: ${problem}`);
    }
    entries.push(entry);
  }
  for (const [note, n] of notes)
    warnings.add(`lorebook: ${note}${n > 1 ? ` (${n} entries)` : ''} not supported; ignored`);
  if (!entries.length) return undefined;
  const name = r.text('name', 200);
  const scanDepth = r.number('scan_depth');
  const tokenBudget = r.number('token_budget');
  const recursiveScanning = r.bool('recursive_scanning');
  return {
    ...(name ? { name } : {}),
    ...(scanDepth !== undefined ? { scanDepth: clampCount(scanDepth) } : {}),
    ...(tokenBudget !== undefined ? { tokenBudget: clampCount(tokenBudget) } : {}),
    ...(recursiveScanning !== undefined ? { recursiveScanning } : {}),
    entries,
  };
}
