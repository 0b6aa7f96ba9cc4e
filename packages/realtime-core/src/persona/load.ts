// File-system loading, kept apart from the pure parser so other hosts can supply text themselves.
import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { PersonaError } from './errors.ts';
import { parsePersona } from './parse.ts';
import type { Persona } from './schema.ts';

export async function loadPersonaFile(path: string): Promise<Persona> {
  return parsePersona(await readFile(path, 'utf8'), basename(path));
}

/** Loads every persona in a directory; bad files are reported, good ones still load. */
export async function loadPersonaDir(dir: string): Promise<{ personas: Persona[]; errors: PersonaError[] }> {
  const names = (await readdir(dir)).filter((n) => /\.(ya?ml|json)$/i.test(n)).sort();
  const personas: Persona[] = [];
  const errors: PersonaError[] = [];
  const seen = new Map<string, string>();
  for (const name of names) {
    try {
      const persona = await loadPersonaFile(join(dir, name));
      const other = seen.get(persona.id);
      if (other)
        throw new PersonaError(
          name,
          'id',
          `"${persona.id}" is already used by ${other}`,
          'give each persona its own id',
        );
      seen.set(persona.id, name);
      personas.push(persona);
    } catch (err) {
      errors.push(
        err instanceof PersonaError
          ? err
          : new PersonaError(name, undefined, (err as Error).message, 'check the file'),
      );
    }
  }
  return { personas, errors };
}
