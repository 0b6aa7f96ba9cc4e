// Tolerant readers for the optional fields of a card: a wrong type degrades to the field's default
// with a warning that names the field, instead of refusing a card that SillyTavern itself would load.
// Reads are shallow (no walking of nested values), so hostile nesting costs nothing here.
import { cleanText } from './text.ts';

const MAX_WARNINGS = 40;

/** Warnings collected while reading one card, bounded so a hostile card cannot flood a reply or a log. */
export class Warnings {
  readonly #list: string[] = [];
  #dropped = 0;

  add(message: string): void {
    if (this.#list.length < MAX_WARNINGS) this.#list.push(message);
    else this.#dropped++;
  }

  list(): string[] {
    return this.#dropped ? [...this.#list, `…and ${this.#dropped} more warnings`] : [...this.#list];
  }
}

export type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function kind(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** Reads fields of one JSON object; `path` prefixes field names in warnings ("data.", "data.character_book."). */
export class FieldReader {
  readonly raw: Json;
  readonly #path: string;
  readonly #warnings: Warnings;

  constructor(raw: Json, path: string, warnings: Warnings) {
    this.raw = raw;
    this.#path = path;
    this.#warnings = warnings;
  }

  warn(message: string): void {
    this.#warnings.add(message);
  }

  field(key: string): string {
    return `${this.#path}${key}`;
  }

  /** Text (macros kept), cleaned and capped; numbers and booleans are taken as their text. */
  text(key: string, max: number): string {
    const value = this.raw[key];
    if (value === undefined || value === null) return '';
    if (typeof value === 'number' || typeof value === 'boolean') return cleanText(String(value), max);
    if (typeof value !== 'string') {
      this.warn(`${this.field(key)} should be text but is ${kind(value)}; it was ignored`);
      return '';
    }
    const cleaned = cleanText(value, max);
    if (value.trim().length > max) this.warn(`${this.field(key)} was cut to ${max} characters`);
    return cleaned;
  }

  /** A list of texts: a lone string becomes a one-item list, items that are not text are dropped. */
  textList(
    key: string,
    maxItems: number,
    maxEach: number,
    options: { splitCommas?: boolean } = {},
  ): string[] {
    const value = this.raw[key];
    if (value === undefined || value === null) return [];
    let items: unknown[];
    if (typeof value === 'string') {
      items = options.splitCommas ? value.split(',') : [value];
    } else if (Array.isArray(value)) {
      items = value;
    } else {
      this.warn(`${this.field(key)} should be a list of texts but is ${kind(value)}; it was ignored`);
      return [];
    }
    const texts: string[] = [];
    let skipped = 0;
    // Bounded scan: a list of a million items is not walked to the end.
    for (const item of items.slice(0, maxItems * 4)) {
      if (typeof item === 'string' || typeof item === 'number') {
        const t = cleanText(String(item), maxEach);
        if (t) texts.push(t);
      } else skipped++;
    }
    if (skipped) this.warn(`${this.field(key)}: ${skipped} item(s) that are not text were ignored`);
    if (texts.length > maxItems)
      this.warn(`${this.field(key)} has ${texts.length} items; only the first ${maxItems} were kept`);
    return texts.slice(0, maxItems);
  }

  /** A finite number, also from numeric text (SillyTavern stores `talkativeness` as "0.5"). */
  number(key: string): number | undefined {
    const value = this.raw[key];
    if (value === undefined || value === null || value === '') return undefined;
    const n = typeof value === 'string' ? Number(value.trim()) : value;
    if (typeof n === 'number' && Number.isFinite(n)) return n;
    this.warn(`${this.field(key)} should be a number but is ${kind(value)}; it was ignored`);
    return undefined;
  }

  bool(key: string): boolean | undefined {
    const value = this.raw[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'boolean') return value;
    if (value === 'true' || value === 1) return true;
    if (value === 'false' || value === 0) return false;
    this.warn(`${this.field(key)} should be true or false but is ${kind(value)}; it was ignored`);
    return undefined;
  }

  object(key: string): Json | undefined {
    const value = this.raw[key];
    if (value === undefined || value === null) return undefined;
    if (isObject(value)) return value;
    this.warn(`${this.field(key)} should be an object but is ${kind(value)}; it was ignored`);
    return undefined;
  }

  child(key: string): FieldReader | undefined {
    const obj = this.object(key);
    return obj ? new FieldReader(obj, `${this.field(key)}.`, this.#warnings) : undefined;
  }
}
