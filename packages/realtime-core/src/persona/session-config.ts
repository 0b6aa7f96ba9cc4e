import { type RenderContext, renderInstructions } from './card/render.ts';
import type { Persona } from './schema.ts';

/**
 * Maps a persona to the model session's instructions and voice. For a card persona the instructions are
 * rendered from the card for `ctx` (the speaker being answered, the lore chosen for the transcript).
 */
export function personaToSessionConfig(
  persona: Persona,
  ctx: RenderContext = {},
): { instructions: string; voice: string } {
  return { instructions: renderInstructions(persona, ctx), voice: persona.voice };
}
