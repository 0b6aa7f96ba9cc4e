// Embeds for /persona list (paged, with Previous/Next buttons) and /persona show.
import type { Persona } from '@troupe/realtime-core';
import { type APIEmbed, ButtonStyle, ComponentType } from 'discord.js';
import type { Translator } from '../i18n/translate.ts';
import type { PersonaEntry } from '../personas/registry.ts';
import type { MessageBody } from './reply.ts';

/** Personas per page: each gets a field, and 6 keep a page well under Discord's 6,000-character embed cap. */
export const PERSONAS_PER_PAGE = 6;
/** Button custom ids: `troupe:persona-list:<page>`; any other prefix is not ours. */
export const PERSONA_LIST_BUTTON = 'troupe:persona-list:';
const ACCENT = 0x8a5cf6;

const cut = (s: string, max: number) => (s.length <= max ? s : `${s.slice(0, max - 1)}…`);

/** The page a button asks for, or undefined for a custom id that is not a persona-list button. */
export function parsePersonaListButton(customId: string): number | undefined {
  const m = /^troupe:persona-list:(\d{1,4})$/.exec(customId);
  return m ? Number(m[1]) : undefined;
}

/** One page of `/persona list`; `page` is clamped into range (buttons may be stale). */
export function personaListPage(
  t: Translator,
  entries: readonly PersonaEntry[],
  o: { page: number; activeId: string | undefined; defaultId: string },
): MessageBody {
  const pages = Math.max(1, Math.ceil(entries.length / PERSONAS_PER_PAGE));
  const page = Math.min(Math.max(0, Math.trunc(o.page) || 0), pages - 1);
  const shown = entries.slice(page * PERSONAS_PER_PAGE, (page + 1) * PERSONAS_PER_PAGE);
  const embed: APIEmbed = {
    title: t.t('persona.list.title'),
    color: ACCENT,
    fields: shown.map(({ persona: p, source }) => {
      const tags = [
        p.language,
        source === 'guild' ? t.t('persona.list.tag.imported') : null,
        p.id === o.defaultId ? t.t('persona.list.tag.default') : null,
        p.id === o.activeId ? t.t('persona.list.tag.active') : null,
      ].filter(Boolean);
      return {
        name: cut(`${p.id === o.activeId ? '▶ ' : ''}${p.name}`, 200),
        value: cut(`\`${p.id}\` · ${tags.join(' · ')}\n${p.description}`, 400),
      };
    }),
    footer: {
      text: t.t('persona.list.footer', { page: page + 1, pages, count: entries.length }),
    },
  };
  const body: MessageBody = { embeds: [embed] };
  if (pages > 1) {
    body.components = [
      {
        type: ComponentType.ActionRow,
        components: [
          {
            type: ComponentType.Button,
            style: ButtonStyle.Secondary,
            custom_id: `${PERSONA_LIST_BUTTON}${page - 1}`,
            label: t.t('persona.list.prev'),
            disabled: page === 0,
          },
          {
            type: ComponentType.Button,
            style: ButtonStyle.Secondary,
            custom_id: `${PERSONA_LIST_BUTTON}${page + 1}`,
            label: t.t('persona.list.next'),
            disabled: page >= pages - 1,
          },
        ],
      },
    ];
  } else {
    body.components = [];
  }
  return body;
}

/** `/persona show`: everything a member needs to decide on a character. */
export function personaEmbed(t: Translator, p: Persona, source: PersonaEntry['source']): MessageBody {
  const fields = [
    {
      name: t.t('persona.show.source'),
      value: t.t(source === 'guild' ? 'persona.show.source.guild' : 'persona.show.source.builtin'),
      inline: true,
    },
    { name: t.t('persona.show.language'), value: p.language, inline: true },
    { name: t.t('persona.show.voice'), value: `\`${p.voice}\``, inline: true },
  ];
  if (p.greeting)
    fields.push({ name: t.t('persona.show.greeting'), value: cut(`“${p.greeting}”`, 1000), inline: false });
  if (p.style?.speakingStyle)
    fields.push({ name: t.t('persona.show.style'), value: cut(p.style.speakingStyle, 1000), inline: false });
  if (p.style?.pace) fields.push({ name: t.t('persona.show.pace'), value: p.style.pace, inline: true });
  return {
    embeds: [
      {
        title: cut(`${p.name} · ${p.id}`, 250),
        description: cut(`${p.description}\n\n${t.t('persona.show.use', { id: p.id })}`, 3000),
        color: ACCENT,
        fields,
        ...(p.avatarUrl ? { thumbnail: { url: p.avatarUrl } } : {}),
      },
    ],
  };
}
