// Public notices: what everyone in a voice channel reads about the AI listening to them.
import type { Persona } from '@troupe/realtime-core';
import type { GuildSettings } from '@troupe/store';
import type { Translator } from '../i18n/translate.ts';

/**
 * The consent notice posted in the voice channel's chat when a persona starts listening: who is
 * listening (a character, an AI), where the audio goes, how to opt out, where the privacy
 * statement is, whether transcripts are posted, and how long what is said is remembered.
 */
export function joinNoticeText(
  t: Translator,
  o: {
    persona: Persona;
    /** Who started it; omitted after a restart. */
    user?: string;
    settings: GuildSettings;
    voiceChannelId: string;
    /** Days the scene's lines are kept (undefined or 0: nothing is stored). */
    memoryDays?: number | undefined;
  },
): string {
  const lines = [
    o.user
      ? t.t('join.notice', { persona: o.persona.name, user: `<@${o.user}>` })
      : t.t('join.noticeRestored', { persona: o.persona.name }),
  ];
  if (o.settings.transcriptsEnabled) {
    lines.push(
      t.t('join.noticeTranscripts', { channel: o.settings.transcriptsChannelId ?? o.voiceChannelId }),
    );
  }
  if (o.memoryDays) lines.push(t.t('join.noticeMemory', { days: o.memoryDays }));
  return lines.join('\n');
}
