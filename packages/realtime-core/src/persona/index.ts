export * from './card/index.ts';
export {
  type CardImportOptions,
  cardToPersona,
  importCharacterCard,
  importCharacterCardWithWarnings,
} from './character-card.ts';
export { PersonaError } from './errors.ts';
export { HOUSE_RULES } from './house-rules.ts';
export { loadPersonaDir, loadPersonaFile } from './load.ts';
export { parsePersona } from './parse.ts';
export { buildPngWithText, readPngText } from './png-text.ts';
export { KNOWN_STEPFUN_VOICES, type Persona, personaHints, personaSchema } from './schema.ts';
export { personaToSessionConfig } from './session-config.ts';
