import { z } from 'zod';
import { characterCardSchema } from './card/card-schema.ts';

/** Voice ids StepFun documents; other ids (e.g. cloned voices) are allowed but flagged in hints. */
export const KNOWN_STEPFUN_VOICES = [
  'qingchunshaonv',
  'wenrounansheng',
  'elegantgentle-female',
  'livelybreezy-female',
] as const;

export const LIMITS = {
  instructions: 16_000,
  description: 2_000,
  greeting: 1_000,
  example: 1_000,
  examples: 8,
} as const;

const text = (max: number) =>
  z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

export const personaSchema = z
  .object({
    id: z
      .string()
      .regex(
        /^[a-z0-9][a-z0-9-]{0,39}$/,
        'must be a lowercase slug: letters, digits and dashes, at most 40 characters',
      ),
    name: text(80),
    description: text(LIMITS.description),
    instructions: text(LIMITS.instructions),
    voice: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be a voice id such as "qingchunshaonv"'),
    language: z
      .string()
      .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be a language tag such as "en", "zh" or "zh-CN"'),
    greeting: text(LIMITS.greeting).optional(),
    alternateGreetings: z.array(text(LIMITS.greeting)).max(10).optional(),
    avatarUrl: z.url({ protocol: /^https$/, message: 'must be an https:// URL' }).optional(),
    style: z
      .strictObject({
        speakingStyle: text(500).optional(),
        pace: z.enum(['slow', 'normal', 'fast']).optional(),
        examples: z.array(text(LIMITS.example)).max(LIMITS.examples).optional(),
      })
      .optional(),
    tags: z.array(z.string().max(32)).max(10).optional(),
    /** The character card an imported persona came from, kept whole (see card/render.ts). */
    card: characterCardSchema.optional(),
  })
  .strict();

/** A character: instructions plus a voice, as the model needs them. */
export type Persona = z.infer<typeof personaSchema>;

export const PERSONA_KEYS = Object.keys(personaSchema.shape) as (keyof Persona)[];

/**
 * Warn-level hints about a valid persona, e.g. a voice id StepFun does not list. Unknown voices are
 * allowed (cloned voices have custom ids), so callers log these rather than refuse the persona.
 */
export function personaHints(persona: Persona): string[] {
  const hints: string[] = [];
  if (!(KNOWN_STEPFUN_VOICES as readonly string[]).includes(persona.voice)) {
    hints.push(
      `voice "${persona.voice}" is not a known StepFun voice (${KNOWN_STEPFUN_VOICES.join(', ')}); fine for a cloned voice, otherwise check the spelling`,
    );
  }
  return hints;
}
