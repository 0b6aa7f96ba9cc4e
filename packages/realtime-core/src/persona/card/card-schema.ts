// The character card as Troupe keeps it: the card's own structure (templates with their macros,
// greetings, example dialogues, lorebook) rather than one flattened text, so macros resolve per speaker
// and lore is chosen per turn. Field caps bound what one card can cost in storage and in the prompt.
import { z } from 'zod';

export const CARD_LIMITS = {
  name: 80,
  /** Description is where most cards keep the character; long cards run to a few thousand words. */
  description: 16_000,
  section: 4_000,
  greeting: 4_000,
  greetings: 16,
  example: 2_000,
  examples: 8,
  tag: 32,
  tags: 20,
  creatorNotes: 1_000,
  loreEntries: 500,
  loreContent: 8_000,
  /** All lore entry contents together. */
  loreTotal: 200_000,
  loreKeys: 50,
  loreKey: 200,
} as const;

const LORE_POSITIONS = [
  'before_char',
  'after_char',
  'before_desc',
  'after_desc',
  'personality',
  'scenario',
  'at_depth',
] as const;
/** Where an entry goes: V2 `position`, SillyTavern's numeric `extensions.position`, or V3 `@@position`/`@@depth`. */
export type LorePosition = (typeof LORE_POSITIONS)[number];

const SELECTIVE_LOGIC = ['and_any', 'not_all', 'not_any', 'and_all'] as const;
/** SillyTavern's `selectiveLogic` (0 AND ANY, 1 NOT ALL, 2 NOT ANY, 3 AND ALL) for secondary keys. */
export type SelectiveLogic = (typeof SELECTIVE_LOGIC)[number];

const count = z.number().int().min(0).max(1_000_000);
const keyList = z.array(z.string().max(CARD_LIMITS.loreKey)).max(CARD_LIMITS.loreKeys);

/** V3 decorators Troupe acts on (others are reported at import and ignored). */
export const loreDecoratorsSchema = z.object({
  activate: z.boolean().optional(),
  dontActivate: z.boolean().optional(),
  depth: count.optional(),
  scanDepth: count.optional(),
  additionalKeys: keyList.optional(),
  excludeKeys: keyList.optional(),
  isGreeting: count.optional(),
  activateOnlyAfter: count.optional(),
  activateOnlyEvery: z.number().int().min(1).max(1_000_000).optional(),
  keepActivateAfterMatch: z.boolean().optional(),
  dontActivateAfterMatch: z.boolean().optional(),
  disablePrompts: z
    .array(z.enum(['system_prompt', 'post_history_instructions']))
    .max(2)
    .optional(),
});
export type LoreDecorators = z.infer<typeof loreDecoratorsSchema>;

export const loreEntrySchema = z.object({
  /** The card's `id` when it has one, else its index: stable across imports, shown by `/persona show`. */
  id: z.string().max(64),
  /** `comment` or `name`: never used in prompts. */
  label: z.string().max(200).optional(),
  keys: keyList,
  secondaryKeys: keyList,
  selective: z.boolean(),
  selectiveLogic: z.enum(SELECTIVE_LOGIC),
  /** Template text with macros, decorators removed. */
  content: z.string().max(CARD_LIMITS.loreContent),
  enabled: z.boolean(),
  constant: z.boolean(),
  insertionOrder: z.number().finite(),
  priority: z.number().finite().optional(),
  position: z.enum(LORE_POSITIONS),
  /** For `at_depth`: how many transcript lines from the newest the entry belongs before. */
  depth: count.optional(),
  caseSensitive: z.boolean().optional(),
  matchWholeWords: z.boolean().optional(),
  useRegex: z.boolean(),
  scanDepth: count.optional(),
  excludeRecursion: z.boolean(),
  preventRecursion: z.boolean(),
  /** 0–100, SillyTavern's `useProbability`/`probability`; absent = always. */
  probability: z.number().min(0).max(100).optional(),
  decorators: loreDecoratorsSchema,
});
export type LoreEntry = z.infer<typeof loreEntrySchema>;

export const lorebookSchema = z.object({
  name: z.string().max(200).optional(),
  scanDepth: count.optional(),
  tokenBudget: count.optional(),
  recursiveScanning: z.boolean().optional(),
  entries: z.array(loreEntrySchema).max(CARD_LIMITS.loreEntries),
});
export type Lorebook = z.infer<typeof lorebookSchema>;

const template = (max: number) => z.string().max(max);

export const characterCardSchema = z.object({
  /** Which specification the card was read as. */
  spec: z.enum(['v1', 'v2', 'v3']),
  name: z.string().min(1).max(CARD_LIMITS.name),
  /** V3: replaces `name` for `{{char}}` and is another name the character answers to. */
  nickname: z.string().max(CARD_LIMITS.name).optional(),
  description: template(CARD_LIMITS.description),
  personality: template(CARD_LIMITS.section),
  scenario: template(CARD_LIMITS.section),
  firstMessage: template(CARD_LIMITS.greeting),
  alternateGreetings: z.array(template(CARD_LIMITS.greeting)).max(CARD_LIMITS.greetings),
  groupOnlyGreetings: z.array(template(CARD_LIMITS.greeting)).max(CARD_LIMITS.greetings),
  /** `mes_example` split at `<START>`: style guidance, never conversation history. */
  exampleDialogues: z.array(template(CARD_LIMITS.example)).max(CARD_LIMITS.examples),
  /** Replaces the default character preamble; `{{original}}` stands for that preamble. */
  systemPrompt: template(CARD_LIMITS.section),
  /** Re-applied after the history (and after a rollover's replay); `{{original}}` is empty here. */
  postHistoryInstructions: template(CARD_LIMITS.section),
  /** SillyTavern's character note (`extensions.depth_prompt`): text kept near the newest lines. */
  characterNote: z.object({ text: template(CARD_LIMITS.section), depth: count }).optional(),
  tags: z.array(z.string().max(CARD_LIMITS.tag)).max(CARD_LIMITS.tags),
  /** 0–1, SillyTavern's `extensions.talkativeness` (default 0.5): how readily it speaks in a group. */
  talkativeness: z.number().min(0).max(1),
  /** A voice the card names in `extensions.troupe.voice` or `extensions.voice`. */
  voice: z.string().optional(),
  /** V3 `assets`: the main icon, when it is an https link (shown with transcripts). */
  avatarUrl: z.string().max(600).optional(),
  /** Shown to admins, never put in a prompt (V2: MUST NOT be used inside prompts). */
  creatorNotes: z.string().max(CARD_LIMITS.creatorNotes).optional(),
  creator: z.string().max(200).optional(),
  characterVersion: z.string().max(100).optional(),
  lorebook: lorebookSchema.optional(),
});
export type CharacterCard = z.infer<typeof characterCardSchema>;
