import type { Persona } from '@troupe/realtime-core';
import type { ChatInputCommandInteraction } from 'discord.js';
import { CardTooLargeError } from '../personas/card-download.ts';
import { cardBytesProblem, importFailureReason, safeFileName } from '../personas/card-input.ts';
import { CardSourceError } from '../personas/card-source-policy.ts';
import { containImportedPersona } from '../personas/contain.ts';
import { callerOf } from './caller.ts';
import { type CommandContext, UserError } from './context.ts';
import { echo } from './echo.ts';
import { checkAdmin, checkPersonaSwitch } from './permissions.ts';

/** `/persona list|show|set|import|remove`. */
export async function handlePersona(
  ctx: CommandContext,
  i: ChatInputCommandInteraction<'cached'>,
): Promise<string> {
  const sub = i.options.getSubcommand();
  const guildId = i.guildId;
  if (sub === 'list') {
    const active = ctx.voice.get(guildId)?.persona.id;
    const def = ctx.registry.defaultFor(guildId).id;
    const lines = ctx.registry.list(guildId).map(({ persona: p, source }) => {
      const tags = [p.language, source === 'guild' ? 'imported' : null, p.id === def ? 'default' : null];
      const mark = p.id === active ? '▶ ' : '• ';
      return `${mark}**${p.name}** \`${p.id}\` (${tags.filter(Boolean).join(', ')}) — ${p.description}`;
    });
    return clip(`**Personas on this server**\n${lines.join('\n')}\n\nSwitch with \`/persona set\`.`);
  }
  const resolvePersona = () => {
    const id = i.options.getString('persona', true);
    const entry = ctx.registry.get(guildId, id);
    if (!entry)
      throw new UserError(`No persona called ${echo(id)} here. See \`/persona list\` for valid ids.`);
    return entry;
  };
  if (sub === 'show') {
    const { persona: p, source } = resolvePersona();
    return clip(
      [
        `**${p.name}** \`${p.id}\` — ${source === 'guild' ? 'imported into this server' : 'built-in'}`,
        p.description,
        `Language: ${p.language} · Voice: \`${p.voice}\``,
        p.greeting ? `Greeting: “${p.greeting}”` : null,
        p.style?.speakingStyle ? `Style: ${p.style.speakingStyle}` : null,
      ]
        .filter(Boolean)
        .join('\n'),
    );
  }
  if (sub === 'set') {
    const perm = checkPersonaSwitch(callerOf(i), ctx.store.getSettings(guildId));
    if (!perm.ok) throw new UserError(perm.reason);
    const { persona } = resolvePersona();
    const session = ctx.voice.get(guildId);
    if (!session) {
      throw new UserError(
        `No persona is in a voice channel right now. Use \`/join persona:${persona.id}\` to start with ${persona.name}.`,
      );
    }
    if (session.persona.id === persona.id) return `${persona.name} is already the active persona.`;
    const { newConnection } = await whileInVoice(
      ctx,
      guildId,
      session.setPersona(persona),
      () =>
        `The session ended (someone used \`/leave\`) before the switch to ${persona.name} finished. Use \`/join persona:${persona.id}\` to start with ${persona.name}.`,
    );
    ctx.store.setVoiceSessionPersona(guildId, persona.id);
    return `🎭 Switched to **${persona.name}**. The conversation continues${
      newConnection ? ' (new voice: the model reconnected with the history replayed)' : ''
    }.`;
  }
  if (sub === 'import') return importCard(ctx, i);
  if (sub === 'remove') {
    const perm = checkAdmin(callerOf(i), 'remove personas');
    if (!perm.ok) throw new UserError(perm.reason);
    const { persona, source } = resolvePersona();
    if (source === 'builtin') {
      throw new UserError(`\`${persona.id}\` is built in and cannot be removed; only imported personas can.`);
    }
    if (ctx.voice.get(guildId)?.persona.id === persona.id) {
      throw new UserError(`${persona.name} is talking right now. Switch persona or \`/leave\` first.`);
    }
    ctx.store.removeGuildPersona(guildId, persona.id);
    const settings = ctx.store.getSettings(guildId);
    if (settings.defaultPersona === persona.id) ctx.store.updateSettings(guildId, { defaultPersona: null });
    return `🗑️ Removed **${persona.name}** (\`${persona.id}\`) from this server.`;
  }
  throw new UserError(`Unknown subcommand ${echo(sub)}. Redeploy the commands (\`pnpm deploy-commands\`).`);
}

async function importCard(ctx: CommandContext, i: ChatInputCommandInteraction<'cached'>): Promise<string> {
  const perm = checkAdmin(callerOf(i), 'import personas');
  if (!perm.ok) throw new UserError(perm.reason);
  const file = i.options.getAttachment('card', true);
  if (file.size > ctx.maxCardBytes) {
    throw new UserError(
      `That file is ${Math.ceil(file.size / 1024)} KiB; cards may be at most ${Math.floor(ctx.maxCardBytes / 1024)} KiB. Export a smaller PNG or the JSON card.`,
    );
  }
  let bytes: Uint8Array;
  try {
    bytes = await ctx.downloadCard(file.url, ctx.maxCardBytes);
  } catch (err) {
    if (err instanceof CardTooLargeError) {
      throw new UserError(
        `That file is larger than Discord said; cards may be at most ${Math.floor(ctx.maxCardBytes / 1024)} KiB. Export a smaller PNG or the JSON card.`,
      );
    }
    ctx.logger.warn({ err, guildId: i.guildId }, 'card download failed');
    if (err instanceof CardSourceError) throw new UserError(err.userMessage);
    throw new UserError('Could not download the attachment from Discord. Try uploading it again.');
  }
  const problem = cardBytesProblem(bytes);
  if (problem) throw new UserError(problem);
  let persona: Persona;
  try {
    // Card text is untrusted and written for this server only: fence it before it is stored.
    persona = containImportedPersona(await ctx.importCard(bytes, safeFileName(file.name)));
  } catch (err) {
    throw new UserError(
      `That is not a usable Character Card (SillyTavern V1, V2 or V3): ${importFailureReason(err)}. Export it again as JSON or PNG from SillyTavern.`,
    );
  }
  return storeImported(ctx, i, persona);
}

/**
 * Stores an imported card without ever silently replacing a different one: ids collide after the
 * slug's cut, or by case and punctuation ("Sea Witch" and "sea witch!"). Same id and same card:
 * nothing to do. A different card: a new suffixed id, unless `replace` says to replace it, and
 * the reply says which id was used (and if the replaced persona is talking right now).
 */
function storeImported(
  ctx: CommandContext,
  i: ChatInputCommandInteraction<'cached'>,
  persona: Persona,
): string {
  const guildId = i.guildId;
  const wanted = ctx.registry.uniqueId(persona.id);
  const existing = ctx.store.listGuildPersonas(guildId).find((p) => p.id === wanted);
  const incoming = { ...persona, id: wanted };
  if (existing && JSON.stringify(existing) === JSON.stringify(incoming))
    return `**${existing.name}** is already imported as \`${wanted}\`; nothing changed. \`/join persona:${wanted}\` to use it.`;
  const replace = existing !== undefined && i.options.getBoolean('replace') === true;
  const id = existing && !replace ? ctx.registry.freeId(guildId, persona.id) : wanted;
  const stored = { ...persona, id };
  ctx.store.putGuildPersona(guildId, stored, i.user.id);
  const what = `**${stored.name}** as \`${id}\` (voice \`${stored.voice}\`, ${stored.language})`;
  const use = `Only this server can use it: \`/join persona:${id}\`.`;
  if (!existing) return `📥 Imported ${what}. ${use}`;
  if (!replace)
    return `📥 Imported ${what}: \`${wanted}\` is already taken by **${existing.name}**, which is unchanged. ${use} To replace \`${wanted}\` instead, import again with \`replace:True\`.`;
  const session = ctx.voice.get(guildId);
  const live =
    session?.persona.id === id
      ? ` ${existing.name} is talking right now in <#${session.channelId}> and keeps the old card until \`/persona set persona:${id}\` or the next \`/join\`.`
      : '';
  return `📥 Replaced \`${id}\` (was **${existing.name}**) with ${what}.${live}`;
}

/**
 * Awaits `work` on the guild's live session (a switch or reset that reconnects the model). If the
 * session ends meanwhile (`/leave`, the cap), its failure is no error of the bot: say what happened.
 */
export async function whileInVoice<T>(
  ctx: CommandContext,
  guildId: string,
  work: Promise<T>,
  endedMessage: () => string,
): Promise<T> {
  const session = ctx.voice.get(guildId);
  try {
    return await work;
  } catch (err) {
    if (ctx.voice.get(guildId) !== session) throw new UserError(endedMessage());
    throw err;
  }
}

/** Discord rejects message contents over 2000 characters. */
export function clip(text: string, max = 1900): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
