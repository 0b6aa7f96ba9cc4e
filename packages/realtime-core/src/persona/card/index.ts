// Character cards as written: reading (V1/V2/V3, JSON/PNG), rendering per speaker, greetings, lorebook
// selection, post-history instructions and voice suggestion.

export { type CardReadResult, MAX_CARD_BYTES, readCharacterCard } from './card-import.ts';
export type {
  CharacterCard,
  Lorebook,
  LoreDecorators,
  LoreEntry,
  LorePosition,
  SelectiveLogic,
} from './card-schema.ts';
export { CARD_LIMITS, characterCardSchema } from './card-schema.ts';
export { CARD_PREAMBLE, CARD_TEXT_END, CARD_TEXT_START } from './fence.ts';
export {
  type FiredLore,
  LORE_DEFAULTS,
  LoreEngine,
  type LoreReason,
  type LoreScanOptions,
  type LoreSelection,
  selectLore,
  type TranscriptLine,
} from './lorebook.ts';
export { type MacroContext, renderMacros } from './macros.ts';
export {
  AUDIENCE_USER,
  addressNames,
  characterName,
  chooseGreeting,
  DEFAULT_CHARACTER_PREAMBLE,
  type Greeting,
  type GreetingOptions,
  NEUTRAL_USER,
  type RenderContext,
  renderInstructions,
  renderPostHistoryInstructions,
  talkativenessOf,
} from './render.ts';
export { estimateTokens } from './tokens.ts';
export {
  type CharacterTraits,
  characterTraits,
  DEFAULT_VOICE_CATALOGUE,
  suggestVoice,
  type VoiceAge,
  type VoiceCatalogueEntry,
  type VoiceGender,
  type VoiceSuggestion,
} from './voice-suggest.ts';
