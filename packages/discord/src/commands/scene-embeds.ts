// What /scene list shows: who plays in the channel (lead first, connected or not), how unaddressed
// turns are answered, and the model sessions the scene holds of its own and the bot's budget.
import type { SceneMode } from '@troupe/realtime-core';
import type { MessageKey, Translator } from '../i18n/translate.ts';
import type { SceneView } from '../voice-port.ts';
import type { MessageBody } from './reply.ts';

const ACCENT = 0x8a5cf6;

/** Each mode's name with what it does, in the reader's language. */
export const MODE_NAMES = {
  lead: 'scene.mode.lead',
  'round-robin': 'scene.mode.round-robin',
  natural: 'scene.mode.natural',
} as const satisfies Record<SceneMode, MessageKey>;

export function sceneListBody(t: Translator, view: SceneView, channelId: string): MessageBody {
  const members = view.characters.map((c) => {
    const tags = [c.lead ? t.t('scene.list.lead') : '', t.t(c.live ? 'scene.list.live' : 'scene.list.idle')];
    return `• **${c.name}** \`${c.id}\` — ${tags.filter(Boolean).join(' · ')}`;
  });
  const s = view.sessions;
  const sessions = [t.t('scene.list.sessions', { live: s.live, limit: s.sceneLimit })];
  if (s.processLimit !== undefined)
    sessions.push(t.t('scene.list.process', { used: s.processInUse ?? 0, max: s.processLimit }));
  const rules =
    view.kind === 'solo' && !view.addressedOnly
      ? [t.t('scene.list.solo')]
      : [
          t.t('scene.list.mode', { mode: { key: MODE_NAMES[view.mode] } }),
          t.t(view.addressedOnly ? 'scene.list.addressedOnly' : 'scene.list.everyone'),
        ];
  return {
    embeds: [
      {
        // Channel mentions render in a description, not in a title.
        description: [t.t('scene.list.title', { channel: channelId }), '', ...members, '', ...rules].join(
          '\n',
        ),
        color: ACCENT,
        footer: { text: [sessions.join(' · '), t.t('scene.list.cast', { max: view.maxCast })].join(' · ') },
      },
    ],
  };
}
