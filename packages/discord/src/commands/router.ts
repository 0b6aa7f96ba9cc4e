// Routes Troupe's interactions. Every command is deferred ephemerally first (joining voice can
// outlast Discord's 3-second deadline, and a first response's ephemeral flag can never change
// later), then answered privately in the invoker's language. State changes everyone should see
// (join, leave, persona switch, reset) are posted by their handlers as separate channel messages
// in the server's language, and only once they happened: a failure is never public.
import {
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type Interaction,
  MessageFlags,
} from 'discord.js';
import { type Translator, translator } from '../i18n/translate.ts';
import { type CommandContext, UserError } from './context.ts';
import { helpBody, privacyBody } from './info-commands.ts';
import { handleJoin, handleLeave } from './join-leave.ts';
import { handlePersona, personaList } from './persona-commands.ts';
import { parsePersonaListButton } from './persona-embeds.ts';
import { clip, type MessageBody, plain } from './reply.ts';
import { handleScene } from './scene-commands.ts';
import { handleSettings } from './settings-commands.ts';
import { voiceChoices } from './voice-choices.ts';
import { handleVoice } from './voice-commands.ts';

type Handler = (
  ctx: CommandContext,
  i: ChatInputCommandInteraction<'cached'>,
  tr: Translator,
) => Promise<MessageBody>;

const HANDLERS: Record<string, Handler> = {
  join: handleJoin,
  leave: handleLeave,
  persona: handlePersona,
  voice: handleVoice,
  settings: handleSettings,
  scene: handleScene,
  help: async (_ctx, _i, tr) => helpBody(tr),
  privacy: async (_ctx, _i, tr) => privacyBody(tr),
};

/** Prefix of every custom id Troupe puts on a message component. */
export const COMPONENT_PREFIX = 'troupe:';

/**
 * Routes one interaction. Never rejects: every failure is logged with context and, for commands,
 * answered with an ephemeral message, so one guild's error can never take the process down.
 */
export async function routeInteraction(ctx: CommandContext, interaction: Interaction): Promise<void> {
  const log = ctx.logger.child({
    interactionId: interaction.id,
    guildId: interaction.guildId,
    userId: interaction.user.id,
    command: 'commandName' in interaction ? interaction.commandName : undefined,
  });
  try {
    if (interaction.isAutocomplete()) await answerAutocomplete(ctx, interaction);
    else if (interaction.isChatInputCommand()) await runCommand(ctx, interaction, log);
    else if (interaction.isButton()) await pressButton(ctx, interaction, log);
  } catch (err) {
    log.error({ err }, 'interaction handling failed');
  }
}

async function runCommand(
  ctx: CommandContext,
  i: ChatInputCommandInteraction,
  log: CommandContext['logger'],
): Promise<void> {
  await i.deferReply({ flags: MessageFlags.Ephemeral });
  const tr = translator(i.locale);
  let body: MessageBody;
  try {
    if (!i.inCachedGuild()) throw new UserError('error.notInGuild');
    const handler = HANDLERS[i.commandName];
    if (!handler) throw new UserError('error.unknownCommand');
    body = await handler(ctx, i, tr);
    log.info({ sub: i.options.getSubcommand(false) }, 'command handled');
  } catch (err) {
    body = failureBody(err, tr, i.id, log);
  }
  await i.editReply({ ...body, allowedMentions: { parse: [] } });
}

/** A refusal in the reader's language, or a reference to quote for an unexpected failure. */
function failureBody(err: unknown, tr: Translator, ref: string, log: CommandContext['logger']): MessageBody {
  if (err instanceof UserError) {
    log.info({ reason: err.message }, 'command refused');
    return plain(tr.t('error.prefix', { text: tr.text(err.text) }));
  }
  log.error({ err, ref }, 'command failed');
  return plain(tr.t('error.unexpected', { ref }));
}

/** Previous/Next on `/persona list`: the message is updated in place (response type 7). */
async function pressButton(
  ctx: CommandContext,
  i: ButtonInteraction,
  log: CommandContext['logger'],
): Promise<void> {
  const tr = translator(i.locale);
  const page = parsePersonaListButton(i.customId);
  if (page === undefined || !i.guildId) {
    log.info({ customId: clip(i.customId, 100) }, 'unknown button');
    await i.reply({ content: tr.t('error.buttonExpired'), flags: MessageFlags.Ephemeral });
    return;
  }
  const body = await personaList(ctx, i.guildId, tr, page);
  await i.update({ ...body, allowedMentions: { parse: [] } });
  log.debug({ page }, 'persona list page shown');
}

/** Autocomplete for every `persona` option; garbage input yields a valid (possibly empty) list. */
export async function answerAutocomplete(ctx: CommandContext, i: AutocompleteInteraction): Promise<void> {
  let choices: { name: string; value: string }[] = [];
  try {
    const focused = i.options.getFocused(true);
    const sub = i.options.getSubcommand(false);
    if (focused.name === 'persona' && i.guildId) {
      if (i.commandName === 'scene' && (sub === 'remove' || sub === 'next')) {
        choices = sceneChoices(ctx, i.guildId, focused.value);
      } else {
        let list = await ctx.registry.search(i.guildId, focused.value);
        if (i.commandName === 'persona' && (sub === 'remove' || sub === 'edit')) {
          const imported = new Set((await ctx.store.listGuildPersonas(i.guildId)).map((p) => p.id));
          list = list.filter((c) => imported.has(c.value));
        }
        choices = list;
      }
    } else if (focused.name === 'voice' && i.guildId) {
      const personaId = sub === 'edit' ? i.options.getString('persona') : null;
      choices = voiceChoices({
        catalogue: ctx.voiceCatalogue,
        personas: await ctx.store.listGuildPersonas(i.guildId),
        query: focused.value,
        tr: translator(i.locale),
        forPersona: personaId ? (await ctx.registry.get(i.guildId, personaId))?.persona : undefined,
      });
    }
  } catch (err) {
    ctx.logger.warn({ err, guildId: i.guildId }, 'autocomplete failed; answering with no choices');
  }
  await i.respond(choices);
}

/** The characters of the guild's scene whose id or name holds `query`. */
function sceneChoices(
  ctx: CommandContext,
  guildId: string,
  query: unknown,
): { name: string; value: string }[] {
  const q = typeof query === 'string' ? query.trim().toLowerCase() : '';
  return (ctx.voice.get(guildId)?.characters ?? [])
    .filter((p) => !q || p.id.includes(q) || p.name.toLowerCase().includes(q))
    .slice(0, 25)
    .map((p) => ({ name: clip(p.name, 100), value: p.id }));
}
