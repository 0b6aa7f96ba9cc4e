// /persona edit: an admin changes an imported persona's voice, greeting or name. The card stays as
// it was imported except for what was asked: a new greeting replaces the card's greetings (said on
// every join), a new name is the card's name too (`{{char}}`). Built-in personas are files of the
// operator's and are not edited here. A persona talking right now keeps its old version until the
// next /persona set or /join, as a re-import does.
import { type Persona, personaSchema } from '@troupe/realtime-core';
import type { ChatInputCommandInteraction } from 'discord.js';
import type { Translator } from '../i18n/translate.ts';
import { callerOf } from './caller.ts';
import { type CommandContext, UserError } from './context.ts';
import { echo } from './echo.ts';
import { checkAdmin } from './permissions.ts';
import { type MessageBody, plain } from './reply.ts';

/** What the persona schema takes as a voice id (StepFun's, or a cloned voice's). */
export const VOICE_ID = /^[A-Za-z0-9_.-]{1,64}$/;

/** One visible line: no controls, no line breaks, no fence markers or headings (see personas/contain.ts). */
function oneLine(text: string, max: number): string {
  const flat = text
    // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
    .replace(/[\u0000-\u001f\u007f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g, ' ')
    .replace(/<{3,}|>{3,}/g, '')
    .replace(/^[\s#]+/, '')
    .replace(/\s+/g, ' ')
    .trim();
  return Array.from(flat).slice(0, max).join('');
}

export async function editPersona(
  ctx: CommandContext,
  i: ChatInputCommandInteraction<'cached'>,
  tr: Translator,
): Promise<MessageBody> {
  const perm = checkAdmin(callerOf(i), 'action.editPersona');
  if (!perm.ok) throw new UserError(perm.reason);
  const id = i.options.getString('persona', true);
  const entry = await ctx.registry.get(i.guildId, id);
  if (!entry) throw new UserError('error.unknownPersona', { id: echo(id) });
  if (entry.source === 'builtin') throw new UserError('persona.edit.builtin', { id: entry.persona.id });
  const voice = i.options.getString('voice')?.trim();
  const greetingRaw = i.options.getString('greeting');
  const nameRaw = i.options.getString('name');
  if (!voice && greetingRaw === null && nameRaw === null) throw new UserError('persona.edit.nothing');
  const old = entry.persona;
  let next: Persona = { ...old };
  const changes: string[] = [];
  if (voice) {
    if (!VOICE_ID.test(voice)) throw new UserError('persona.voice.invalid', { voice: echo(voice) });
    next.voice = voice;
    changes.push(tr.t('persona.edit.voice', { voice }));
  }
  if (greetingRaw !== null) {
    const greeting = oneLine(greetingRaw, 1000);
    if (!greeting) throw new UserError('persona.edit.badGreeting');
    const { alternateGreetings: _dropped, ...rest } = next;
    next = { ...rest, greeting };
    if (next.card) next.card = { ...next.card, firstMessage: greeting, alternateGreetings: [] };
    changes.push(tr.t('persona.edit.greeting'));
  }
  if (nameRaw !== null) {
    const name = oneLine(nameRaw, 80);
    if (!name) throw new UserError('persona.edit.badName');
    next.name = name;
    if (next.card) next.card = { ...next.card, name };
    changes.push(tr.t('persona.edit.name', { old: old.name }));
  }
  const stored = personaSchema.parse(next);
  ctx.store.putGuildPersona(i.guildId, stored, i.user.id);
  const lines = [
    tr.t('persona.edit.done', {
      persona: stored.name,
      id: stored.id,
      changes: changes.join(tr.t('list.separator')),
    }),
  ];
  const session = ctx.voice.get(i.guildId);
  if (session?.characters.some((p) => p.id === stored.id))
    lines.push(tr.t('persona.edit.live', { persona: old.name, channel: session.channelId, id: stored.id }));
  return plain(lines.join('\n'));
}
