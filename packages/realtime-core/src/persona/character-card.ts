// SillyTavern Character Card V2/V3 → Persona. Card text is untrusted: it is cleaned, capped,
// and placed above the house rules, which state that they take precedence.
import { z } from 'zod';
import { PersonaError } from './errors.ts';
import { isPng, readPngText } from './png-text.ts';
import { LIMITS, type Persona, personaSchema } from './schema.ts';

const MAX_CARD_BYTES = 2 * 1024 * 1024;

const cardDataSchema = z
  .object({
    name: z.string().min(1),
    description: z.string().default(''),
    personality: z.string().default(''),
    scenario: z.string().default(''),
    first_mes: z.string().default(''),
    mes_example: z.string().default(''),
    system_prompt: z.string().default(''),
    post_history_instructions: z.string().default(''),
    alternate_greetings: z.array(z.string()).default([]),
    tags: z.array(z.string()).default([]),
    extensions: z.record(z.string(), z.unknown()).default({}),
  })
  .loose();

const cardSchema = z.object({
  spec: z.enum(['chara_card_v2', 'chara_card_v3']),
  data: cardDataSchema,
});

function clean(text: string, name: string, max: number): string {
  const replaced = text
    .replace(/\{\{char\}\}|<BOT>/gi, name)
    .replace(/\{\{user\}\}|<USER>/gi, 'the speaker')
    // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u202A-\u202E\u2066-\u2069]/g, '')
    .trim();
  return Array.from(replaced).slice(0, max).join('');
}

function slug(name: string): string {
  const ascii = name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 32);
  if (ascii.length >= 2) return ascii;
  let h = 0;
  for (const ch of name) h = (h * 31 + ch.codePointAt(0)!) >>> 0;
  return `card-${h.toString(36)}`;
}

const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;

/** The card's voice extension if valid, else a default chosen by the card's language. */
function pickVoice(ext: Record<string, unknown>, zh: boolean): string {
  const troupe = ext.troupe as { voice?: unknown } | undefined;
  for (const v of [troupe?.voice, ext.voice])
    if (typeof v === 'string' && /^[A-Za-z0-9_.-]{1,64}$/.test(v)) return v;
  return zh ? 'qingchunshaonv' : 'elegantgentle-female';
}

function readCardJson(bytes: Uint8Array, fileName: string): unknown {
  let text: string;
  if (isPng(bytes)) {
    let chunks: Map<string, string>;
    try {
      chunks = readPngText(bytes);
    } catch (err) {
      throw new PersonaError(
        fileName,
        undefined,
        `the PNG is damaged (${(err as Error).message})`,
        'export the card again from SillyTavern',
      );
    }
    const encoded = chunks.get('ccv3') ?? chunks.get('chara');
    if (!encoded)
      throw new PersonaError(
        fileName,
        undefined,
        'this PNG carries no character card',
        'export a character card PNG (V2 or V3) from SillyTavern',
      );
    text = new TextDecoder().decode(Uint8Array.from(atob(encoded.trim()), (c) => c.charCodeAt(0)));
  } else {
    text = new TextDecoder().decode(bytes);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new PersonaError(
      fileName,
      undefined,
      'the card is not valid JSON',
      'export the card again as JSON or PNG',
    );
  }
}

/** Imports a Character Card V2/V3 from its JSON or PNG bytes. */
export function importCharacterCard(bytes: Uint8Array, fileName: string): Persona {
  if (bytes.length > MAX_CARD_BYTES) {
    throw new PersonaError(
      fileName,
      undefined,
      `the card is ${bytes.length} bytes`,
      `cards must be under ${MAX_CARD_BYTES / 1024 / 1024} MB`,
    );
  }
  const parsed = cardSchema.safeParse(readCardJson(bytes, fileName));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.map(String).join('.');
    throw new PersonaError(
      fileName,
      field || undefined,
      `is not a Character Card V2/V3 (${issue.message})`,
      'use a card whose "spec" is chara_card_v2 or chara_card_v3',
    );
  }
  const d = parsed.data.data;
  const name = clean(d.name, d.name, 80);
  const c = (t: string, max: number) => clean(t, name, max);
  const zh = CJK.test(d.name + d.description + d.first_mes);
  const sections = [
    ['Personality', d.personality],
    ['Scenario', d.scenario],
    ['Notes from the card', d.system_prompt],
    ['More notes from the card', d.post_history_instructions],
  ] as const;
  const body = [
    c(d.description, LIMITS.instructions),
    ...sections.filter(([, t]) => t.trim()).map(([h, t]) => `${h}: ${c(t, 4000)}`),
  ];
  const examples = d.mes_example
    .split(/<START>/i)
    .map((e) => c(e, LIMITS.example))
    .filter(Boolean)
    .slice(0, LIMITS.examples);
  const candidate = {
    id: slug(d.name),
    name,
    description: c(d.description, 300) || `${name}, imported from a character card`,
    instructions:
      Array.from(body.filter(Boolean).join('\n\n')).slice(0, LIMITS.instructions).join('') ||
      `You are ${name}.`,
    voice: pickVoice(d.extensions, zh),
    language: zh ? 'zh' : 'en',
    ...(d.first_mes.trim() ? { greeting: c(d.first_mes, LIMITS.greeting) } : {}),
    ...(d.alternate_greetings.length
      ? {
          alternateGreetings: d.alternate_greetings
            .map((g) => c(g, LIMITS.greeting))
            .filter(Boolean)
            .slice(0, 10),
        }
      : {}),
    ...(examples.length ? { style: { examples } } : {}),
    ...(d.tags.length
      ? {
          tags: d.tags
            .map((t) => c(t, 32))
            .filter(Boolean)
            .slice(0, 10),
        }
      : {}),
  };
  const result = personaSchema.safeParse(candidate);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new PersonaError(
      fileName,
      issue.path.map(String).join('.'),
      issue.message,
      'edit the card and import it again',
    );
  }
  return result.data;
}
