// SillyTavern character card (V1/V2/V3, JSON or PNG) → Persona. The persona keeps the whole card in
// `card` (see card/): instructions are rendered from it per speaker and turn (card/render.ts), with the
// card text fenced above the house rules. The flat persona fields (greeting, examples, a short
// instructions summary) are filled too, for callers that do not know about cards.

import { readCharacterCard } from './card/card-import.ts';
import type { CharacterCard } from './card/card-schema.ts';
import { renderMacros } from './card/macros.ts';
import { AUDIENCE_USER, NEUTRAL_USER } from './card/render.ts';
import { oneLine } from './card/text.ts';
import { suggestVoice, type VoiceCatalogueEntry } from './card/voice-suggest.ts';
import { PersonaError } from './errors.ts';
import { LIMITS, type Persona, personaSchema } from './schema.ts';

export interface CardImportOptions {
  /** A voice chosen by whoever imports the card; otherwise the card's own, otherwise a suggestion. */
  voice?: string;
  /** Voices to suggest from (default: StepFun's documented voices). */
  catalogue?: readonly VoiceCatalogueEntry[];
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

/** Builds the persona for a card read by `readCharacterCard`. Throws PersonaError on an invalid voice. */
export function cardToPersona(
  card: CharacterCard,
  fileName: string,
  options: CardImportOptions = {},
): Persona {
  const suggestion = suggestVoice(card, options.catalogue);
  const language = suggestion.traits.language;
  const char = card.nickname || card.name;
  const flat = (text: string, max: number, user: string) =>
    oneLine(renderMacros(text, { char, user, seed: card.name }), max);
  const neutral = NEUTRAL_USER[language];
  const audience = AUDIENCE_USER[language];
  const summary = flat(card.description, 600, neutral);
  const greeting = flat(card.firstMessage, LIMITS.greeting, audience);
  const alternates = card.alternateGreetings
    .map((g) => flat(g, LIMITS.greeting, audience))
    .filter(Boolean)
    .slice(0, 10);
  const examples = card.exampleDialogues
    .map((e) => flat(e, LIMITS.example, neutral))
    .filter(Boolean)
    .slice(0, LIMITS.examples);
  const tags = card.tags.slice(0, 10);
  const candidate = {
    id: slug(card.name),
    name: card.name,
    description: flat(card.description, 300, neutral) || `${card.name}, imported from a character card`,
    instructions: summary ? `You are ${char}. ${summary}` : `You are ${char}.`,
    voice: options.voice ?? card.voice ?? suggestion.voice,
    language,
    ...(greeting ? { greeting } : {}),
    ...(alternates.length ? { alternateGreetings: alternates } : {}),
    ...(examples.length ? { style: { examples } } : {}),
    ...(tags.length ? { tags } : {}),
    ...(card.avatarUrl ? { avatarUrl: card.avatarUrl } : {}),
    card,
  };
  const result = personaSchema.safeParse(candidate);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const field = issue.path.map(String).join('.');
    // A bad link in the card's assets is not worth refusing the card over.
    if (field === 'avatarUrl') {
      const { avatarUrl: _dropped, ...rest } = card;
      return cardToPersona(rest, fileName, options);
    }
    throw new PersonaError(fileName, field, issue.message, 'edit the card and import it again');
  }
  return result.data;
}

/** Imports a character card from its JSON or PNG bytes, with what was ignored or cut along the way. */
export function importCharacterCardWithWarnings(
  bytes: Uint8Array,
  fileName: string,
  options: CardImportOptions = {},
): { persona: Persona; warnings: string[] } {
  const { card, warnings } = readCharacterCard(bytes, fileName);
  return { persona: cardToPersona(card, fileName, options), warnings };
}

/** Imports a Character Card V1/V2/V3 from its JSON or PNG bytes. */
export function importCharacterCard(
  bytes: Uint8Array,
  fileName: string,
  options: CardImportOptions = {},
): Persona {
  return importCharacterCardWithWarnings(bytes, fileName, options).persona;
}
