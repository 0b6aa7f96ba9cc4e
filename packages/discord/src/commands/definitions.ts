import {
  ChannelType,
  InteractionContextType,
  PermissionFlagsBits,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
  SlashCommandBuilder,
} from 'discord.js';

const personaOption =
  (description: string, required: boolean) => (o: import('discord.js').SlashCommandStringOption) =>
    o
      .setName('persona')
      .setDescription(description)
      .setRequired(required)
      .setAutocomplete(true)
      .setMaxLength(100);

/** Every slash command the bot registers (guild-only). */
export const COMMANDS = [
  new SlashCommandBuilder()
    .setName('join')
    .setDescription('Bring a persona into a voice channel')
    .setContexts(InteractionContextType.Guild)
    .addChannelOption((o) =>
      o
        .setName('channel')
        .setDescription('Voice channel (default: the one you are in)')
        .addChannelTypes(ChannelType.GuildVoice, ChannelType.GuildStageVoice),
    )
    .addStringOption(personaOption('Persona to play (default: the server default)', false)),
  new SlashCommandBuilder()
    .setName('leave')
    .setDescription('Make the persona leave the voice channel')
    .setContexts(InteractionContextType.Guild),
  new SlashCommandBuilder()
    .setName('persona')
    .setDescription('Browse, switch and manage personas')
    .setContexts(InteractionContextType.Guild)
    .addSubcommand((s) => s.setName('list').setDescription('List the personas available here'))
    .addSubcommand((s) =>
      s.setName('show').setDescription('Show a persona').addStringOption(personaOption('Persona', true)),
    )
    .addSubcommand((s) =>
      s
        .setName('set')
        .setDescription('Switch the active persona (keeps the conversation)')
        .addStringOption(personaOption('Persona', true)),
    )
    .addSubcommand((s) =>
      s
        .setName('import')
        .setDescription(
          'Import a character card (SillyTavern V1/V2/V3, JSON or PNG) into this server (admins)',
        )
        .addAttachmentOption((o) => o.setName('card').setDescription('Character card file').setRequired(true))
        .addBooleanOption((o) =>
          o
            .setName('replace')
            .setDescription('Replace an imported persona with the same id (default: import under a new id)'),
        ),
    )
    .addSubcommand((s) =>
      s
        .setName('remove')
        .setDescription('Remove an imported persona (admins)')
        .addStringOption(personaOption('Imported persona', true)),
    ),
  new SlashCommandBuilder()
    .setName('voice')
    .setDescription('Voice session tools')
    .setContexts(InteractionContextType.Guild)
    .addSubcommand((s) => s.setName('status').setDescription('Who is heard, session age, usage and latency'))
    .addSubcommand((s) => s.setName('reset').setDescription('Make the persona forget this conversation'))
    .addSubcommand((s) => s.setName('optout').setDescription('Never send my voice to the persona'))
    .addSubcommand((s) => s.setName('optin').setDescription('Let the persona hear me again')),
  new SlashCommandBuilder()
    .setName('settings')
    .setDescription('Server settings for Troupe (admins)')
    .setContexts(InteractionContextType.Guild)
    .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
    .addSubcommand((s) => s.setName('show').setDescription('Show the current settings'))
    .addSubcommand((s) =>
      s
        .setName('default-persona')
        .setDescription('Persona used by /join when none is given')
        .addStringOption(personaOption('Persona', true)),
    )
    .addSubcommand((s) =>
      s
        .setName('transcripts')
        .setDescription('Post voice transcripts to a text channel')
        .addBooleanOption((o) => o.setName('enabled').setDescription('On or off').setRequired(true))
        .addChannelOption((o) =>
          o
            .setName('channel')
            .setDescription('Text channel (default: the voice channel chat)')
            .addChannelTypes(ChannelType.GuildText, ChannelType.GuildVoice),
        ),
    )
    .addSubcommand((s) =>
      s
        .setName('cap')
        .setDescription('Daily voice minutes for this server (0 = unlimited)')
        .addIntegerOption((o) =>
          o
            .setName('minutes')
            .setDescription('Minutes per UTC day')
            .setRequired(true)
            .setMinValue(0)
            .setMaxValue(1440),
        ),
    )
    .addSubcommand((s) =>
      s
        .setName('switch-role')
        .setDescription('Role allowed to switch personas (omit: everyone)')
        .addRoleOption((o) => o.setName('role').setDescription('Role')),
    ),
];

/** JSON bodies for the REST registration (deploy script, emulator). */
export function commandBodies(): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  return COMMANDS.map((c) => c.toJSON());
}
