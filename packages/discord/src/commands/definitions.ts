import {
  ChannelType,
  InteractionContextType,
  PermissionFlagsBits,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
  SlashCommandBuilder,
  type SlashCommandStringOption,
} from 'discord.js';
import { type CommandPath, commandLocale } from '../i18n/command-texts.ts';
import { VAD_LIMITS } from './settings-commands.ts';

/** Anything with Discord's name/description setters (commands, subcommands, options). */
interface Describable {
  setName(name: string): this;
  setDescription(description: string): this;
  setNameLocalizations(l: Record<string, string>): this;
  setDescriptionLocalizations(l: Record<string, string>): this;
}

/** Sets the English name/description and the Chinese localizations from i18n/command-texts.ts. */
function loc<T extends Describable>(b: T, path: CommandPath): T {
  const l = commandLocale(path);
  return b
    .setName(l.name)
    .setDescription(l.description)
    .setNameLocalizations(l.nameLocalizations)
    .setDescriptionLocalizations(l.descriptionLocalizations);
}

const personaOption = (path: CommandPath, required: boolean) => (o: SlashCommandStringOption) =>
  loc(o, path).setRequired(required).setAutocomplete(true).setMaxLength(100);

const command = (path: CommandPath) =>
  loc(new SlashCommandBuilder(), path).setContexts(InteractionContextType.Guild);

/** Every slash command the bot registers (guild-only), with zh-CN localizations. */
export const COMMANDS = [
  command('join')
    .addChannelOption((o) =>
      loc(o, 'join.channel').addChannelTypes(ChannelType.GuildVoice, ChannelType.GuildStageVoice),
    )
    .addStringOption(personaOption('join.persona', false)),
  command('leave'),
  command('persona')
    .addSubcommand((s) => loc(s, 'persona.list'))
    .addSubcommand((s) => loc(s, 'persona.show').addStringOption(personaOption('persona.show.persona', true)))
    .addSubcommand((s) => loc(s, 'persona.set').addStringOption(personaOption('persona.set.persona', true)))
    .addSubcommand((s) =>
      loc(s, 'persona.import')
        .addAttachmentOption((o) => loc(o, 'persona.import.card').setRequired(true))
        .addStringOption((o) => loc(o, 'persona.import.voice').setAutocomplete(true).setMaxLength(64))
        .addBooleanOption((o) => loc(o, 'persona.import.replace')),
    )
    .addSubcommand((s) =>
      loc(s, 'persona.edit')
        .addStringOption(personaOption('persona.edit.persona', true))
        .addStringOption((o) => loc(o, 'persona.edit.voice').setAutocomplete(true).setMaxLength(64))
        .addStringOption((o) => loc(o, 'persona.edit.greeting').setMaxLength(1000))
        .addStringOption((o) => loc(o, 'persona.edit.name').setMaxLength(80)),
    )
    .addSubcommand((s) =>
      loc(s, 'persona.remove').addStringOption(personaOption('persona.remove.persona', true)),
    ),
  command('voice')
    .addSubcommand((s) => loc(s, 'voice.status'))
    .addSubcommand((s) => loc(s, 'voice.reset'))
    .addSubcommand((s) => loc(s, 'voice.optout'))
    .addSubcommand((s) => loc(s, 'voice.optin'))
    .addSubcommand((s) =>
      loc(s, 'voice.forget').addChannelOption((o) =>
        loc(o, 'voice.forget.channel').addChannelTypes(ChannelType.GuildVoice, ChannelType.GuildStageVoice),
      ),
    ),
  command('scene')
    .addSubcommand((s) => loc(s, 'scene.add').addStringOption(personaOption('scene.add.persona', true)))
    .addSubcommand((s) => loc(s, 'scene.remove').addStringOption(personaOption('scene.remove.persona', true)))
    .addSubcommand((s) => loc(s, 'scene.list'))
    .addSubcommand((s) =>
      loc(s, 'scene.mode')
        .addStringOption((o) =>
          loc(o, 'scene.mode.mode')
            .setRequired(true)
            .addChoices(
              { name: 'lead', value: 'lead', name_localizations: { 'zh-CN': '主角' } },
              { name: 'round-robin', value: 'round-robin', name_localizations: { 'zh-CN': '轮流' } },
              { name: 'natural', value: 'natural', name_localizations: { 'zh-CN': '自然' } },
            ),
        )
        .addChannelOption((o) =>
          loc(o, 'scene.mode.channel').addChannelTypes(ChannelType.GuildVoice, ChannelType.GuildStageVoice),
        ),
    )
    .addSubcommand((s) => loc(s, 'scene.next').addStringOption(personaOption('scene.next.persona', false)))
    .addSubcommand((s) =>
      loc(s, 'scene.addressed-only')
        .addBooleanOption((o) => loc(o, 'scene.addressed-only.enabled').setRequired(true))
        .addChannelOption((o) =>
          loc(o, 'scene.addressed-only.channel').addChannelTypes(
            ChannelType.GuildVoice,
            ChannelType.GuildStageVoice,
          ),
        ),
    ),
  command('settings')
    .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
    .addSubcommand((s) => loc(s, 'settings.show'))
    .addSubcommand((s) =>
      loc(s, 'settings.default-persona').addStringOption(
        personaOption('settings.default-persona.persona', true),
      ),
    )
    .addSubcommand((s) =>
      loc(s, 'settings.transcripts')
        .addBooleanOption((o) => loc(o, 'settings.transcripts.enabled').setRequired(true))
        .addChannelOption((o) =>
          loc(o, 'settings.transcripts.channel').addChannelTypes(
            ChannelType.GuildText,
            ChannelType.GuildVoice,
          ),
        ),
    )
    .addSubcommand((s) =>
      loc(s, 'settings.cap').addIntegerOption((o) =>
        loc(o, 'settings.cap.minutes').setRequired(true).setMinValue(0).setMaxValue(1440),
      ),
    )
    .addSubcommand((s) =>
      loc(s, 'settings.switch-role').addRoleOption((o) => loc(o, 'settings.switch-role.role')),
    )
    .addSubcommand((s) =>
      loc(s, 'settings.memory').addIntegerOption((o) =>
        loc(o, 'settings.memory.days').setRequired(true).setMinValue(0).setMaxValue(365),
      ),
    )
    .addSubcommand((s) =>
      loc(s, 'settings.vad')
        .addIntegerOption((o) =>
          loc(o, 'settings.vad.silence-ms')
            .setMinValue(VAD_LIMITS.silenceMs.min)
            .setMaxValue(VAD_LIMITS.silenceMs.max),
        )
        .addIntegerOption((o) =>
          loc(o, 'settings.vad.padding-ms')
            .setMinValue(VAD_LIMITS.paddingMs.min)
            .setMaxValue(VAD_LIMITS.paddingMs.max),
        )
        .addNumberOption((o) =>
          loc(o, 'settings.vad.energy').setMinValue(VAD_LIMITS.energy.min).setMaxValue(VAD_LIMITS.energy.max),
        )
        .addBooleanOption((o) => loc(o, 'settings.vad.reset')),
    ),
  command('help'),
  command('privacy'),
];

/** JSON bodies for the REST registration (deploy script, emulator). */
export function commandBodies(): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  return COMMANDS.map((c) => c.toJSON());
}
