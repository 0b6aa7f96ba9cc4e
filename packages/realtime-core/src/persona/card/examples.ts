// `mes_example`: example conversations, each started by `<START>` (Character Card V1 spec). Troupe gives
// them to the model as style guidance inside the instructions, never as turns of the conversation.
// https://github.com/malfoyslastname/character-card-spec-v2/blob/main/spec_v1.md#mes_example
import { CARD_LIMITS } from './card-schema.ts';
import { clipUnits } from './text.ts';

/** Splits `mes_example` into its `<START>` blocks (macros kept), dropping empty ones. */
export function splitExampleDialogues(text: string): string[] {
  return text
    .split(/<START>/i)
    .map((block) => clipUnits(block.trim(), CARD_LIMITS.example).trim())
    .filter(Boolean)
    .slice(0, CARD_LIMITS.examples);
}
