// Character cards as written: reading (V1/V2/V3, JSON/PNG), rendering per speaker, greetings, lorebook
// selection, post-history instructions and voice suggestion.
//
// How a conversation uses a card persona (all pure; keep one LoreEngine per persona):
//   const engine = persona.card?.lorebook && new LoreEngine(persona.card.lorebook);
//   const greeting = chooseGreeting(persona, { random, ensemble, speaker });        // on join
//   each turn, answering `speaker` with `transcript` (newest last):
//     const lore = engine?.select(transcript, { char: characterName(persona), user: speaker,
//       greetingIndex: greeting?.index, characterTurns, previouslyFired, random });
//     session.update({ instructions: renderInstructions(persona, { speaker, lore }) });
//   after the history is (re)played: renderPostHistoryInstructions(persona, { speaker, lore }) as a system note.
//   addressNames(persona) for addressing, talkativenessOf(persona) for `natural` scenes.

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
