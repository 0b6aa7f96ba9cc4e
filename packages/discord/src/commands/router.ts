import {
  type AutocompleteInteraction,
  type ChatInputCommandInteraction,
  type Interaction,
  MessageFlags,
} from 'discord.js';
import { type CommandContext, UserError } from './context.ts';
import { handleJoin, handleLeave } from './join-leave.ts';
import { clip, handlePersona } from './persona-commands.ts';
import { handleSettings } from './settings-commands.ts';
import { handleVoice } from './voice-commands.ts';

type Handler = (ctx: CommandContext, i: ChatInputCommandInteraction<'cached'>) => Promise<string>;

const HANDLERS: Record<string, Handler> = {
  join: handleJoin,
  leave: handleLeave,
  persona: handlePersona,
  voice: handleVoice,
  settings: handleSettings,
};

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
  } catch (err) {
    log.error({ err }, 'interaction handling failed');
  }
}

async function runCommand(
  ctx: CommandContext,
  i: ChatInputCommandInteraction,
  log: CommandContext['logger'],
): Promise<void> {
  // Defer first: joining voice can take longer than Discord's 3-second deadline.
  await i.deferReply({ flags: MessageFlags.Ephemeral });
  let content: string;
  try {
    if (!i.inCachedGuild()) {
      throw new UserError('Troupe only works inside a server where it was added with the `bot` scope.');
    }
    const handler = HANDLERS[i.commandName];
    if (!handler) throw new UserError(`Unknown command. Redeploy the commands (\`pnpm deploy-commands\`).`);
    content = await handler(ctx, i);
    log.info({ sub: i.options.getSubcommand(false) }, 'command handled');
  } catch (err) {
    if (err instanceof UserError) {
      content = `⚠️ ${err.message}`;
      log.info({ reason: err.message }, 'command refused');
    } else {
      log.error({ err }, 'command failed');
      content = `❌ Something went wrong (reference \`${i.id}\`). Try again; if it keeps happening, tell a server admin.`;
    }
  }
  // Clipped: a reply over Discord's 2000-character limit is refused and the user would wait forever.
  await i.editReply({ content: clip(content), allowedMentions: { parse: [] } });
}

/** Autocomplete for every `persona` option; garbage input yields a valid (possibly empty) list. */
export async function answerAutocomplete(ctx: CommandContext, i: AutocompleteInteraction): Promise<void> {
  let choices: { name: string; value: string }[] = [];
  try {
    const focused = i.options.getFocused(true);
    if (focused.name === 'persona' && i.guildId) {
      let list = ctx.registry.search(i.guildId, focused.value);
      if (i.commandName === 'persona' && i.options.getSubcommand(false) === 'remove') {
        const imported = new Set(ctx.store.listGuildPersonas(i.guildId).map((p) => p.id));
        list = list.filter((c) => imported.has(c.value));
      }
      choices = list;
    }
  } catch (err) {
    ctx.logger.warn({ err, guildId: i.guildId }, 'autocomplete failed; answering with no choices');
  }
  await i.respond(choices);
}
