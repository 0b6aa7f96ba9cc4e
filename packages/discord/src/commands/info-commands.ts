// /help and /privacy: private embeds in the reader's language. /help lists the commands with the
// same names and descriptions Discord shows that reader (i18n/command-texts.ts).
import type { APIEmbedField } from 'discord.js';
import { COMMAND_TEXTS, type CommandPath, commandLabel } from '../i18n/command-texts.ts';
import type { MessageKey, Translator } from '../i18n/translate.ts';
import type { MessageBody } from './reply.ts';

const ACCENT = 0x8a5cf6;

const EVERYONE: CommandPath[] = [
  'join',
  'leave',
  'persona.list',
  'persona.show',
  'persona.set',
  'voice.status',
  'voice.reset',
  'voice.optout',
  'voice.optin',
  'scene.add',
  'scene.remove',
  'scene.list',
  'scene.mode',
  'scene.next',
  'privacy',
];
const ADMINS: CommandPath[] = [
  'persona.import',
  'persona.edit',
  'persona.remove',
  'scene.addressed-only',
  'voice.forget',
  'settings.memory',
  'settings.show',
  'settings.default-persona',
  'settings.transcripts',
  'settings.cap',
  'settings.switch-role',
  'settings.vad',
];

function commandLines(t: Translator, paths: readonly CommandPath[]): string {
  return paths
    .map((p) => `\`${commandLabel(p, t.lang)}\` — ${COMMAND_TEXTS[p][t.lang === 'en' ? 1 : 2]}`)
    .join('\n');
}

export function helpBody(t: Translator): MessageBody {
  return {
    embeds: [
      {
        title: t.t('help.title'),
        description: t.t('help.intro'),
        color: ACCENT,
        fields: [
          { name: t.t('help.commands'), value: commandLines(t, EVERYONE) },
          { name: t.t('help.admins'), value: commandLines(t, ADMINS) },
        ],
        footer: { text: t.t('help.footer') },
      },
    ],
  };
}

const PRIVACY_SECTIONS = ['sent', 'optout', 'stored', 'memory', 'transcripts', 'logs', 'delete'] as const;

export function privacyBody(t: Translator): MessageBody {
  const fields: APIEmbedField[] = PRIVACY_SECTIONS.map((s) => ({
    name: t.t(`privacy.${s}.title` as MessageKey),
    value: t.t(`privacy.${s}.body` as MessageKey),
  }));
  return {
    embeds: [{ title: t.t('privacy.title'), description: t.t('privacy.intro'), color: ACCENT, fields }],
  };
}
