import { checkVoiceId, type Persona, suggestVoice } from '@troupe/realtime-core';
import type { ChatInputCommandInteraction } from 'discord.js';
import { type Text, type Translator, text } from '../i18n/translate.ts';
import { CardTooLargeError } from '../personas/card-download.ts';
import { cardBytesProblem, importFailureReason, safeFileName } from '../personas/card-input.ts';
import type { ImportedCard } from '../personas/card-parser.ts';
import { CardSourceError } from '../personas/card-source-policy.ts';
import { containImportedPersona } from '../personas/contain.ts';
import { callerOf } from './caller.ts';
import { type CommandContext, UserError } from './context.ts';
import { echo } from './echo.ts';
import { checkAdmin, checkPersonaSwitch } from './permissions.ts';
import { editPersona, VOICE_ID } from './persona-edit.ts';
import { personaEmbed, personaListPage } from './persona-embeds.ts';
import { clip, type MessageBody, plain } from './reply.ts';

export { clip } from './reply.ts';

/**
 * Stores an imported card without ever silently replacing a different one: ids collide after the
 * slug's cut, or by case and punctuation ("Sea Witch" and "sea witch!"). Same id and same card:
 * nothing to do. A different card: a new suffixed id, unless `replace` says to replace it, and
 * the reply says which id was used (and if the replaced persona is talking right now).
 */
async function storeImported(
  ctx: CommandContext,
  i: ChatInputCommandInteraction<'cached'>,
  tr: Translator,
  persona: Persona,
): Promise<{ reply: string; persona: Persona }> {
  const guildId = i.guildId;
  const wanted = ctx.registry.uniqueId(persona.id);
  const existing = (await ctx.store.getGuildPersona(guildId, wanted)) ?? undefined;
  const incoming = { ...persona, id: wanted };
  if (existing && JSON.stringify(existing) === JSON.stringify(incoming))
    return {
      reply: tr.t('persona.import.unchanged', { persona: existing.name, id: wanted }),
      persona: existing,
    };
  const replace = existing !== undefined && i.options.getBoolean('replace') === true;
  const id = existing && !replace ? await ctx.registry.freeId(guildId, persona.id) : wanted;
  const stored = { ...persona, id };
  await ctx.store.putGuildPersona(guildId, stored, i.user.id);
  const what = { persona: stored.name, id, voice: stored.voice, language: stored.language };
  if (!existing) return { reply: tr.t('persona.import.done', what), persona: stored };
  if (!replace)
    return {
      reply: tr.t('persona.import.doneBesides', { ...what, wanted, existing: existing.name }),
      persona: stored,
    };
  const session = ctx.voice.get(guildId);
  const live =
    session?.persona.id === id
      ? ` ${tr.t('persona.import.replacedLive', { existing: existing.name, channel: session.channelId, id })}`
      : '';
  return {
    reply: `${tr.t('persona.import.replaced', { ...what, existing: existing.name })}${live}`,
    persona: stored,
  };
}

/**
 * Awaits `work` on the guild's live session (a switch or reset that reconnects the model). If the
 * session ends meanwhile (`/leave`, the cap), its failure is no error of the bot: say what happened.
 */
export async function whileInVoice<T>(
  ctx: CommandContext,
  guildId: string,
  work: Promise<T>,
  ended: () => Text,
): Promise<T> {
  const session = ctx.voice.get(guildId);
  try {
    return await work;
  } catch (err) {
    if (ctx.voice.get(guildId) !== session) throw new UserError(ended());
    throw err;
  }
}

/** One page of the guild's persona list (also what the Previous/Next buttons show). */
export async function personaList(
  ctx: CommandContext,
  guildId: string,
  tr: Translator,
  page: number,
): Promise<MessageBody> {
  return personaListPage(tr, await ctx.registry.list(guildId), {
    page,
    activeId: ctx.voice.get(guildId)?.persona.id,
    defaultId: (await ctx.registry.defaultFor(guildId)).id,
  });
}

/** `/persona list|show|set|import|remove`. */
export async function handlePersona(
  ctx: CommandContext,
  i: ChatInputCommandInteraction<'cached'>,
  tr: Translator,
): Promise<MessageBody> {
  const sub = i.options.getSubcommand();
  const guildId = i.guildId;
  if (sub === 'list') return personaList(ctx, guildId, tr, 0);
  const resolvePersona = async () => {
    const id = i.options.getString('persona', true);
    const entry = await ctx.registry.get(guildId, id);
    if (!entry) throw new UserError('error.unknownPersona', { id: echo(id) });
    return entry;
  };
  if (sub === 'show') {
    const { persona, source } = await resolvePersona();
    return personaEmbed(tr, persona, source);
  }
  if (sub === 'set') return switchPersona(ctx, i, tr, resolvePersona);
  if (sub === 'import') return importCard(ctx, i, tr);
  if (sub === 'edit') return editPersona(ctx, i, tr);
  if (sub === 'remove') {
    const perm = checkAdmin(callerOf(i), 'action.remove');
    if (!perm.ok) throw new UserError(perm.reason);
    const { persona, source } = await resolvePersona();
    if (source === 'builtin') throw new UserError('persona.remove.builtin', { id: persona.id });
    if (ctx.voice.get(guildId)?.persona.id === persona.id) {
      throw new UserError('persona.remove.talking', { persona: persona.name });
    }
    await ctx.store.removeGuildPersona(guildId, persona.id);
    const settings = await ctx.store.getSettings(guildId);
    if (settings.defaultPersona === persona.id)
      await ctx.store.updateSettings(guildId, { defaultPersona: null });
    return plain(tr.t('persona.remove.done', { persona: persona.name, id: persona.id }));
  }
  throw new UserError('error.unknownSubcommand', { sub: echo(sub) });
}

/** `/persona set`: public, so the channel knows who is listening now. */
async function switchPersona(
  ctx: CommandContext,
  i: ChatInputCommandInteraction<'cached'>,
  tr: Translator,
  resolvePersona: () => Promise<{ persona: Persona }>,
): Promise<MessageBody> {
  const guildId = i.guildId;
  const perm = checkPersonaSwitch(callerOf(i), await ctx.store.getSettings(guildId));
  if (!perm.ok) throw new UserError(perm.reason);
  const { persona } = await resolvePersona();
  const session = ctx.voice.get(guildId);
  if (!session) throw new UserError('persona.set.noSession', { id: persona.id, persona: persona.name });
  if (session.persona.id === persona.id) return plain(tr.t('persona.set.already', { persona: persona.name }));
  const { newConnection } = await whileInVoice(ctx, guildId, session.setPersona(persona), () =>
    text('persona.set.endedMeanwhile', { persona: persona.name, id: persona.id }),
  );
  // A restart after a crash rejoins with the persona switched to.
  await ctx.ownership.record(guildId, { personaId: persona.id });
  const key = newConnection ? 'persona.set.noticeNewVoice' : 'persona.set.notice';
  await ctx
    .announce(guildId, session.channelId, (t) => t.t(key, { user: `<@${i.user.id}>`, persona: persona.name }))
    .catch((err: unknown) => ctx.logger.warn({ err, guildId }, 'could not post the persona-switch notice'));
  return plain(
    `${tr.t('persona.set.done', { persona: persona.name })}\n${tr.t('posted.public', { channel: session.channelId })}`,
  );
}

async function importCard(
  ctx: CommandContext,
  i: ChatInputCommandInteraction<'cached'>,
  tr: Translator,
): Promise<MessageBody> {
  const perm = checkAdmin(callerOf(i), 'action.import');
  if (!perm.ok) throw new UserError(perm.reason);
  const chosenVoice = i.options.getString('voice')?.trim() || undefined;
  if (chosenVoice !== undefined && !VOICE_ID.test(chosenVoice))
    throw new UserError('persona.voice.invalid', { voice: echo(chosenVoice) });
  const file = i.options.getAttachment('card', true);
  const max = Math.floor(ctx.maxCardBytes / 1024);
  if (file.size > ctx.maxCardBytes) {
    throw new UserError('persona.import.tooLarge', { size: Math.ceil(file.size / 1024), max });
  }
  let bytes: Uint8Array;
  try {
    bytes = await ctx.downloadCard(file.url, ctx.maxCardBytes);
  } catch (err) {
    if (err instanceof CardTooLargeError) throw new UserError('persona.import.largerThanSaid', { max });
    ctx.logger.warn({ err, guildId: i.guildId }, 'card download failed');
    if (err instanceof CardSourceError) throw new UserError({ raw: err.userMessage });
    throw new UserError('persona.import.downloadFailed');
  }
  const problem = cardBytesProblem(bytes);
  if (problem) throw new UserError('persona.import.badFile', { reason: problem });
  let persona: Persona;
  let imported: ImportedCard;
  try {
    imported = await ctx.importCard(
      bytes,
      safeFileName(file.name),
      chosenVoice ? { voice: chosenVoice } : {},
    );
    // Card text is untrusted and written for this server only: fence it before it is stored.
    persona = containImportedPersona(imported.persona);
  } catch (err) {
    throw new UserError('persona.import.notACard', { reason: importFailureReason(err) });
  }
  const stored = await storeImported(ctx, i, tr, persona);
  const lines = [stored.reply];
  const voice = checkVoiceId(stored.persona.voice);
  if (!voice.known) {
    lines.push(
      voice.closest
        ? tr.t('persona.import.voiceWarning', { voice: stored.persona.voice, closest: voice.closest })
        : tr.t('persona.import.voiceWarningNoGuess', { voice: stored.persona.voice }),
    );
  }
  const card = stored.persona.card;
  if (!chosenVoice && card && !card.voice) {
    // The voice came from the card's tags and text: say why, and how to change it.
    const { traits } = suggestVoice(card);
    const id = stored.persona.id;
    lines.push(
      traits.evidence.length
        ? tr.t('persona.import.voiceSuggested', {
            voice: stored.persona.voice,
            id,
            evidence: traits.evidence.join('; '),
          })
        : tr.t('persona.import.voiceGuessed', { voice: stored.persona.voice, id }),
    );
  }
  if (imported.warnings.length > 0) {
    const list = imported.warnings.slice(0, 12).map((w) => `• ${clip(w.replace(/\s+/g, ' '), 200)}`);
    lines.push(tr.t('persona.import.warnings', { warnings: list.join('\n') }));
  }
  return plain(lines.join('\n'));
}
