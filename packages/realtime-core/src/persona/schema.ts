import { z } from 'zod';
import { characterCardSchema } from './card/card-schema.ts';
import { closest } from './errors.ts';

/**
 * Voice ids StepFun's realtime pages and clients use, with what each sounds like (the pinyin names
 * say it: 温柔男声 "gentle male voice", …). The first five appear in StepFun's realtime guide and
 * the stepaudio-2.5-realtime quick start (which speaks with linjiajiejie); the rest are used with
 * stepaudio-3-realtime-preview (platform.stepfun.com/docs/zh/api-reference/realtime/chat). Other
 * ids (cloned voices) are allowed but hinted about.
 */
export const STEPFUN_VOICES = {
  qingchunshaonv: 'youthful girl (青春少女)',
  wenrounansheng: 'gentle male (温柔男声)',
  'elegantgentle-female': 'elegant, gentle female (高雅女声)',
  'livelybreezy-female': 'lively, breezy female (活力女声)',
  linjiajiejie: 'warm big sister next door (邻家姐姐)',
  cixingnansheng: 'deep, magnetic male (磁性男声)',
  zhengpaiqingnian: 'upright young man (正派青年)',
  wenrounvsheng: 'gentle female (温柔女声)',
  jingdiannvsheng: 'classic female (经典女声)',
  'vibrant-youth': 'vibrant young voice',
  'lively-girl': 'lively girl',
} as const;

/** The voices documented for stepaudio-2.5-realtime, Troupe's default model. */
export const KNOWN_STEPFUN_VOICES = [
  'qingchunshaonv',
  'wenrounansheng',
  'elegantgentle-female',
  'livelybreezy-female',
  'linjiajiejie',
] as const satisfies readonly (keyof typeof STEPFUN_VOICES)[];

const ALL_VOICE_IDS = Object.keys(STEPFUN_VOICES);

/**
 * Whether `voice` is a StepFun voice id (any model's) and, if not, the one it most likely
 * misspells. Unknown ids are allowed (cloned voices), so this only feeds warnings.
 */
export function checkVoiceId(voice: string): { known: boolean; closest?: string } {
  if (ALL_VOICE_IDS.includes(voice)) return { known: true };
  const guess = closest(voice, ALL_VOICE_IDS);
  return guess ? { known: false, closest: guess } : { known: false };
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
