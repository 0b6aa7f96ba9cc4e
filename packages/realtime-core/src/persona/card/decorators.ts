// Character Card V3 lorebook decorators: `@@name value` lines at the start of an entry's content, with
// `@@@name` fallbacks used when the decorator before them is not supported.
// https://github.com/kwaroran/character-card-spec-v3/blob/main/SPEC_V3.md#decorators
import { CARD_LIMITS, type LoreDecorators, type LorePosition } from './card-schema.ts';

export interface ParsedDecorators {
  decorators: LoreDecorators;
  /** `@@position` or `@@depth`, when given. */
  position?: LorePosition;
  /** Content with the decorator lines (and the blank lines around them) removed. */
  content: string;
  /** Decorators present but not acted on, for the import warnings. */
  ignored: string[];
}

/** Decorators whose condition is about plain-text (non-chat) prompts: the spec says to ignore them in chats. */
const NOT_FOR_CHATS = new Set([
  'instruct_depth',
  'reverse_depth',
  'reverse_instruct_depth',
  'instruct_scan_depth',
]);
const POSITIONS: Record<string, LorePosition> = {
  before_desc: 'before_desc',
  after_desc: 'after_desc',
  personality: 'personality',
  scenario: 'scenario',
};
const MAX_DECORATOR_LINES = 32;

function count(value: string): number | undefined {
  const n = Number(value);
  return value !== '' && Number.isInteger(n) && n >= 0 && n <= 1_000_000 ? n : undefined;
}

function keys(value: string): string[] | undefined {
  const list = value
    .split(',')
    .map((k) => k.trim().slice(0, CARD_LIMITS.loreKey))
    .filter(Boolean)
    .slice(0, CARD_LIMITS.loreKeys);
  return list.length ? list : undefined;
}

/** Applies one decorator; false when it is unknown or its value is invalid (so a fallback may apply). */
function apply(name: string, value: string, out: ParsedDecorators, seen: Set<string>): boolean {
  // The spec: only the first decorator of a name counts.
  if (seen.has(name)) return true;
  const d = out.decorators;
  const set = <K extends keyof LoreDecorators>(key: K, v: LoreDecorators[K] | undefined): boolean => {
    if (v === undefined) return false;
    d[key] = v;
    return true;
  };
  let applied: boolean;
  switch (name) {
    case 'activate':
      applied = set('activate', true);
      break;
    case 'dont_activate':
      applied = set('dontActivate', true);
      break;
    case 'keep_activate_after_match':
      applied = set('keepActivateAfterMatch', true);
      break;
    case 'dont_activate_after_match':
      applied = set('dontActivateAfterMatch', true);
      break;
    case 'depth': {
      applied = set('depth', count(value));
      if (applied && out.position === undefined) out.position = 'at_depth';
      break;
    }
    case 'scan_depth':
      applied = set('scanDepth', count(value));
      break;
    case 'is_greeting':
      applied = set('isGreeting', count(value));
      break;
    case 'activate_only_after':
      applied = set('activateOnlyAfter', count(value));
      break;
    case 'activate_only_every': {
      const n = count(value);
      applied = set('activateOnlyEvery', n && n >= 1 ? n : undefined);
      break;
    }
    case 'additional_keys':
      applied = set('additionalKeys', keys(value));
      break;
    case 'exclude_keys':
      applied = set('excludeKeys', keys(value));
      break;
    case 'position': {
      const p = POSITIONS[value.trim()];
      // `@@position` wins over `@@depth` (the spec: with @@position present, @@depth is ignored).
      if (p) out.position = p;
      applied = p !== undefined;
      break;
    }
    case 'disable_ui_prompt': {
      const v = value.trim();
      applied = v === 'system_prompt' || v === 'post_history_instructions';
      if (applied) d.disablePrompts = [...(d.disablePrompts ?? []), v as 'system_prompt'];
      break;
    }
    // Only meaningful with roles in a chat log; Troupe injects lore as system text.
    case 'role':
      applied = ['assistant', 'system', 'user'].includes(value.trim());
      break;
    default:
      applied = false;
  }
  if (applied) seen.add(name);
  return applied;
}

/** Splits leading decorator lines off an entry's content and interprets the ones Troupe supports. */
export function parseDecorators(raw: string): ParsedDecorators {
  const out: ParsedDecorators = { decorators: {}, content: raw, ignored: [] };
  const lines = raw.split('\n');
  let at = lines.findIndex((l) => l.trim() !== '');
  if (at < 0 || !lines[at]!.trimStart().startsWith('@@')) return out;
  const seen = new Set<string>();
  // Whether the last primary decorator went unsupported, so the `@@@` lines after it are its fallbacks.
  let wantFallback = false;
  let n = 0;
  for (; at < lines.length && n < MAX_DECORATOR_LINES; at++, n++) {
    const line = lines[at]!.trim();
    if (!line.startsWith('@@')) break;
    const fallback = line.startsWith('@@@');
    const m = /^@{2,3}([A-Za-z_][A-Za-z0-9_]*)\s*(.*)$/.exec(line);
    if (!m) {
      out.ignored.push(line.slice(0, 40));
      continue;
    }
    const name = m[1]!.toLowerCase();
    if (fallback && !wantFallback) continue;
    const ok = NOT_FOR_CHATS.has(name) ? false : apply(name, m[2] ?? '', out, seen);
    if (ok) wantFallback = false;
    else {
      if (!fallback) wantFallback = true;
      out.ignored.push(`@@${name}`);
    }
  }
  // The spec: decorators and the newlines around them are trimmed from the content.
  out.content = lines
    .slice(at)
    .join('\n')
    .replace(/^\s*\n/, '')
    .trim();
  return out;
}
