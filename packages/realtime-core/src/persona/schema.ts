import { z } from 'zod';
import { stepfunProfile } from '../provider/profiles.ts';
import { checkVoice, STEPFUN_REALTIME_VOICES } from '../provider/voices.ts';
import { characterCardSchema } from './card/card-schema.ts';

/** The voices documented for stepaudio-2.5-realtime, Troupe's default model. */
export const KNOWN_STEPFUN_VOICES = STEPFUN_REALTIME_VOICES.map((v) => v.id);

/**
 * Whether `voice` is a StepFun voice (realtime, preview or system voice, or a cloned-voice id) and,
 * if not, the one it most likely misspells. Unknown ids are allowed, so this only feeds warnings.
 */
export function checkVoiceId(voice: string): { known: boolean; closest?: string } {
  const check = checkVoice(voice, stepfunProfile.voices);
  if (check.kind !== 'unknown') return { known: true };
  return check.closest ? { known: false, closest: check.closest } : { known: false };
}

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
    // A plain text style (`style: Gruff but warm`) is the speaking style: people write it that way.
    style: z
      .preprocess(
        (v) => (typeof v === 'string' ? { speakingStyle: v } : v),
        z.strictObject({
          speakingStyle: text(500).optional(),
          pace: z.enum(['slow', 'normal', 'fast']).optional(),
          examples: z.array(text(LIMITS.example)).max(LIMITS.examples).optional(),
        }),
      )
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
  const voice = checkVoiceId(persona.voice);
  if (!voice.known) {
    hints.push(
      voice.closest
        ? `voice "${persona.voice}" is not a known StepFun voice; did you mean "${voice.closest}"? (fine as it is for a cloned voice)`
        : `voice "${persona.voice}" is not a known StepFun voice (${KNOWN_STEPFUN_VOICES.join(', ')}); fine for a cloned voice, otherwise check the spelling`,
    );
  }
  return hints;
}
