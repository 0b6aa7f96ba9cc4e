import { parse as parseYaml } from 'yaml';
import { closest, PersonaError } from './errors.ts';
import { PERSONA_KEYS, type Persona, personaSchema } from './schema.ts';

const MAX_FILE_BYTES = 64 * 1024;

/** Parses a persona written as YAML or JSON; throws `PersonaError` naming the file, field and fix. */
export function parsePersona(source: string, fileName: string): Persona {
  if (source.length > MAX_FILE_BYTES) {
    throw new PersonaError(
      fileName,
      undefined,
      `file is ${source.length} bytes`,
      `keep persona files under ${MAX_FILE_BYTES / 1024} KB`,
    );
  }
  let data: unknown;
  try {
    data = /\.json$/i.test(fileName) ? JSON.parse(source) : parseYaml(source, { maxAliasCount: 10 });
  } catch (err) {
    const message = (err as Error).message.split('\n')[0];
    throw new PersonaError(
      fileName,
      undefined,
      `is not valid ${/\.json$/i.test(fileName) ? 'JSON' : 'YAML'} (${message})`,
      'check indentation, quotes and colons near the line mentioned',
    );
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new PersonaError(
      fileName,
      undefined,
      'does not describe a persona object',
      'write one "key: value" per line, starting with "id:"',
    );
  }
  for (const key of Object.keys(data)) {
    if (!(PERSONA_KEYS as string[]).includes(key)) {
      const guess = closest(key, PERSONA_KEYS);
      throw new PersonaError(
        fileName,
        key,
        'is not a persona field',
        guess ? `did you mean "${guess}"?` : `use only ${PERSONA_KEYS.join(', ')}`,
      );
    }
  }
  const result = personaSchema.safeParse(data);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const field = issue.path.map(String).join('.');
    const missing = issue.code === 'invalid_type' && issue.input === undefined;
    throw new PersonaError(
      fileName,
      field,
      missing ? 'is missing' : issue.message,
      missing ? `add "${field}:" to the file` : fixFor(field),
    );
  }
  return result.data;
}

function fixFor(field: string): string {
  if (field === 'id') return 'use something like "captain-mara"';
  if (field === 'voice')
    return 'use a StepFun voice id such as qingchunshaonv, wenrounansheng, elegantgentle-female';
  if (field === 'language') return 'use "en", "zh", or another BCP-47 tag';
  if (field === 'avatarUrl') return 'link an image over https, or remove the field';
  return 'see the persona format in the README';
}
