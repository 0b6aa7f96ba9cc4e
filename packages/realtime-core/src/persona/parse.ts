import { parse as parseYaml } from 'yaml';
import { closest, PersonaError } from './errors.ts';
import { KNOWN_STEPFUN_VOICES, PERSONA_KEYS, type Persona, personaSchema } from './schema.ts';

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
    // zod does not report the offending value by default: look it up, so that a field that is
    // there but of the wrong type is never called "missing".
    const value = valueAt(data, issue.path);
    const example = EXAMPLES[field.replace(/\.\d+$/, '')] ?? '';
    if (value === undefined) {
      throw new PersonaError(
        fileName,
        field,
        'is missing',
        `add "${field}:" to the file${example ? `, e.g. ${example}` : ''}`,
      );
    }
    if (issue.code === 'invalid_type') {
      throw new PersonaError(
        fileName,
        field,
        `should be ${TYPE_NAMES[issue.expected] ?? issue.expected}, but is ${describeValue(value)}`,
        example ? `write it like ${example}` : 'see the persona format in the README',
      );
    }
    throw new PersonaError(fileName, field, issue.message, fixFor(field, example));
  }
  return result.data;
}

/** What each field looks like, written as it would be in a YAML persona file. */
const EXAMPLES: Record<string, string> = {
  id: 'id: captain-mara',
  name: 'name: Captain Mara Voss',
  description: 'description: A weathered ship captain who tells it like it is.',
  instructions: 'instructions: "You are Captain Mara Voss, captain of the Kestrel. …"',
  voice: 'voice: linjiajiejie',
  language: 'language: en',
  greeting: 'greeting: "Ahoy, crew!"',
  alternateGreetings: 'alternateGreetings: ["Ahoy!", "All hands on deck!"]',
  avatarUrl: 'avatarUrl: https://example.com/mara.png',
  style: 'style: { speakingStyle: "Gruff but warm", pace: normal } (or just style: Gruff but warm)',
  'style.speakingStyle': 'speakingStyle: Gruff but warm, short sentences',
  'style.pace': 'pace: normal (slow, normal or fast)',
  'style.examples': 'examples: ["Steady as she goes."]',
  tags: 'tags: [pirate, sea]',
};

const TYPE_NAMES: Record<string, string> = {
  string: 'text',
  object: 'a mapping of "key: value" lines',
  array: 'a list',
  number: 'a number',
  boolean: 'true or false',
};

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = data;
  for (const key of path) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

/** "a number (42)", "a list", "empty (null)": what was written instead, briefly. */
function describeValue(v: unknown): string {
  if (v === null) return 'empty (null)';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `text ("${v.length > 30 ? `${v.slice(0, 29)}…` : v}")`;
  return `${typeof v === 'number' ? 'a number' : typeof v === 'boolean' ? 'true/false' : typeof v} (${String(v)})`;
}

function fixFor(field: string, example: string): string {
  if (field === 'id') return 'use something like "captain-mara"';
  if (field === 'voice')
    return `use a StepFun voice id such as ${KNOWN_STEPFUN_VOICES.slice(0, 5).join(', ')}`;
  if (field === 'language') return 'use "en", "zh", or another BCP-47 tag';
  if (field === 'avatarUrl') return 'link an image over https, or remove the field';
  return example ? `write it like ${example}` : 'see the persona format in the README';
}
