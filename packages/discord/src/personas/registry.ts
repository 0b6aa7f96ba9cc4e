import { resolve } from 'node:path';
import { loadPersonaDir, type Persona } from '@troupe/realtime-core';
import type { Store } from '@troupe/store';

/** Directory holding the built-in persona YAML files. */
export const BUILTIN_PERSONA_DIR = resolve(import.meta.dirname, '../../personas');

/** A persona plus where it comes from. */
export interface PersonaEntry {
  persona: Persona;
  source: 'builtin' | 'guild';
}

/** Autocomplete choice limit imposed by Discord. */
export const MAX_CHOICES = 25;

/**
 * Built-in personas (shipped as files) plus personas imported into each guild (in the store, so
 * every host sees them).
 * Guild personas are visible only in their own guild and may shadow nothing: their ids must not
 * collide with a built-in (the importer suffixes them).
 */
export class PersonaRegistry {
  readonly builtins: ReadonlyMap<string, Persona>;
  readonly #store: Store;

  constructor(builtins: readonly Persona[], store: Store) {
    this.builtins = new Map(builtins.map((p) => [p.id, p]));
    this.#store = store;
  }

  /** Loads the built-ins from `dir` (defaults to the app's personas folder). */
  static async load(store: Store, dir: string = BUILTIN_PERSONA_DIR): Promise<PersonaRegistry> {
    const { personas, errors } = await loadPersonaDir(dir);
    if (errors.length > 0)
      throw new Error(`Built-in persona files are invalid: ${errors.map((e) => e.message).join('; ')}`);
    if (personas.length === 0)
      throw new Error(`No personas found in ${dir}: add at least one *.yaml persona file`);
    return new PersonaRegistry(personas, store);
  }

  /** Every persona usable in `guildId`: built-ins first, then that guild's imports. */
  async list(guildId: string): Promise<PersonaEntry[]> {
    const out: PersonaEntry[] = [...this.builtins.values()].map((persona) => ({
      persona,
      source: 'builtin',
    }));
    for (const persona of await this.#store.listGuildPersonas(guildId))
      out.push({ persona, source: 'guild' });
    return out;
  }

  async get(guildId: string, id: string): Promise<PersonaEntry | undefined> {
    const key = id.trim();
    const b = this.builtins.get(key);
    if (b) return { persona: b, source: 'builtin' };
    // A key the store would refuse (empty, too long) names no imported persona.
    if (key === '' || key.length > 100 || key.includes('\u0000')) return undefined;
    const g = await this.#store.getGuildPersona(guildId, key);
    return g ? { persona: g, source: 'guild' } : undefined;
  }

  /** The guild's default persona, else the first built-in. */
  async defaultFor(guildId: string): Promise<Persona> {
    const configured = (await this.#store.getSettings(guildId)).defaultPersona;
    const found = configured ? await this.get(guildId, configured) : undefined;
    return found?.persona ?? this.firstBuiltin;
  }

  /** The built-in used when a guild has no (valid) default. */
  get firstBuiltin(): Persona {
    return [...this.builtins.values()][0]!;
  }

  /** Picks an id for an imported persona that never shadows a built-in (re-importing replaces the guild's copy). */
  uniqueId(wanted: string): string {
    return this.#firstFree(slugify(wanted) || 'persona', (id) => this.builtins.has(id));
  }

  /** An id for an imported persona taken by nothing: no built-in, no persona of `guildId`. */
  async freeId(guildId: string, wanted: string): Promise<string> {
    const taken = new Set((await this.#store.listGuildPersonas(guildId)).map((p) => p.id));
    return this.#firstFree(slugify(wanted) || 'persona', (id) => this.builtins.has(id) || taken.has(id));
  }

  /** `base`, else `base-2`, `base-3`, … with the base cut so the id stays within 40 characters. */
  #firstFree(base: string, taken: (id: string) => boolean): string {
    if (!taken(base)) return base;
    for (let n = 2; ; n++) {
      const suffix = `-${n}`;
      const id = `${base.slice(0, 40 - suffix.length).replace(/-+$/, '')}${suffix}`;
      if (!taken(id)) return id;
    }
  }

  /**
   * Autocomplete: personas whose id or name starts with (then contains) `query`, case-insensitive,
   * at most 25. Never throws, whatever the input.
   */
  async search(guildId: string, query: unknown): Promise<{ name: string; value: string }[]> {
    const q = typeof query === 'string' ? query.trim().toLowerCase().slice(0, 100) : '';
    const all = await this.list(guildId);
    const score = (p: Persona): number => {
      const id = p.id.toLowerCase();
      const name = p.name.toLowerCase();
      if (q === '' || id.startsWith(q) || name.startsWith(q)) return 0;
      if (id.includes(q) || name.includes(q)) return 1;
      return 2;
    };
    return all
      .map((e) => ({ e, s: score(e.persona) }))
      .filter((x) => x.s < 2)
      .sort((a, b) => a.s - b.s)
      .slice(0, MAX_CHOICES)
      .map(({ e }) => ({
        name: truncate(
          `${e.persona.name} (${e.persona.language}${e.source === 'guild' ? ', imported' : ''})`,
          100,
        ),
        value: truncate(e.persona.id, 100),
      }));
  }
}

/** Lower-case, ASCII-safe id from any name; CJK names fall back to a hash-free "persona". */
export function slugify(text: string): string {
  return text
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
}

function truncate(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}
