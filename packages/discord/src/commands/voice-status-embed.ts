// `/voice status` as an embed: the session, who is heard (and who opted out), today's usage and
// per-turn latency. Admins also see why the last session ended, in the operator's words.
import type { APIEmbed, APIEmbedField } from 'discord.js';
import type { Translator } from '../i18n/translate.ts';
import type { VoiceStatus } from '../voice-port.ts';
import type { GuildDiagnostic } from './diagnostics.ts';
import type { MessageBody } from './reply.ts';

const ACCENT = 0x22c55e;
const IDLE = 0x64748b;
const ms = (v: number | undefined) => (v === undefined ? '–' : `${Math.round(v)}`);
const cut = (s: string, max: number) => (s.length <= max ? s : `${s.slice(0, max - 1)}…`);

export interface StatusInput {
  status: VoiceStatus | undefined;
  today: { usedMinutes: number; capMinutes: number | null };
  /** Only passed for admins. */
  lastEnd?: GuildDiagnostic | undefined;
}

function todayLine(t: Translator, today: StatusInput['today']): string {
  const used = today.usedMinutes.toFixed(1);
  return today.capMinutes
    ? t.t('voice.status.todayCap', { used, cap: today.capMinutes })
    : t.t('voice.status.todayNoCap', { used });
}

/** Whether the call is end-to-end encrypted, as Discord clients show it (privacy code per epoch). */
export function e2eeLine(t: Translator, e: VoiceStatus['e2ee']): string {
  if (!e) return t.t('voice.status.e2eeUnknown');
  if (!e.negotiated) return t.t('voice.status.e2eeTransport');
  if (!e.ready) return t.t('voice.status.e2eeSettingUp', { version: e.protocolVersion });
  // 30 digits in groups of five, as Discord clients print it.
  const code = e.privacyCode?.replace(/(\d{5})(?=\d)/g, '$1 ') ?? '–';
  const epoch = e.epoch === undefined ? '–' : e.epoch.toString();
  return t.t('voice.status.e2eeReady', { version: e.protocolVersion, epoch, code });
}

function lastEndField(t: Translator, d: GuildDiagnostic): APIEmbedField {
  return {
    name: t.t('voice.status.lastEnd'),
    value: cut(
      t.t('voice.status.lastEndValue', {
        when: `<t:${Math.floor(d.atMs / 1000)}:R>`,
        reason: `${d.reason}: ${d.detail}`,
      }),
      1000,
    ),
  };
}

export function statusEmbed(t: Translator, input: StatusInput): MessageBody {
  const s = input.status;
  const fields: APIEmbedField[] = [];
  if (!s) {
    fields.push({ name: t.t('voice.status.today'), value: todayLine(t, input.today) });
    if (input.lastEnd) fields.push(lastEndField(t, input.lastEnd));
    return { embeds: [{ description: t.t('voice.status.none'), color: IDLE, fields }] };
  }
  const heard = s.heard.length
    ? s.heard
        .slice(0, 20)
        .map((h) => {
          const notes = [
            h.speaking ? t.t('voice.status.speaking') : null,
            h.optedOut ? t.t('voice.status.optedOut') : null,
            t.t('voice.status.packets', { count: h.packets }),
            h.corruptPackets ? t.t('voice.status.corrupt', { count: h.corruptPackets }) : null,
          ].filter(Boolean);
          return `• ${cut(h.displayName, 40)}${h.speaking ? ' 🗣' : ''}${h.optedOut ? ' 🔇' : ''} — ${notes.join(', ')}`;
        })
        .join('\n')
    : t.t('voice.status.nobody');
  const turns = s.turns.length
    ? [
        '```',
        t.t('voice.status.latencyHead'),
        ...s.turns
          .slice(-8)
          .map(
            (x) =>
              `${x.speaker.slice(0, 16).padEnd(16)} ${ms(x.speechEndToCommitMs).padStart(10)}  ${ms(x.commitToFirstAudioMs).padStart(12)}  ${ms(x.firstAudioToFirstPacketMs).padStart(12)}  ${ms(x.totalMs).padStart(5)}`,
          ),
        '```',
      ].join('\n')
    : t.t('voice.status.noTurns');
  fields.push(
    {
      name: t.t('voice.status.session'),
      value: t.t('voice.status.sessionValue', { age: t.elapsed(s.sessionAgeMs), state: s.realtimeState }),
      inline: true,
    },
    {
      name: t.t('voice.status.audio'),
      value: t.t('voice.status.audioValue', {
        in: (s.usage.inputAudioMs / 1000).toFixed(0),
        out: (s.usage.outputAudioMs / 1000).toFixed(0),
      }),
      inline: true,
    },
    { name: t.t('voice.status.today'), value: todayLine(t, input.today), inline: true },
    { name: t.t('voice.status.e2ee'), value: e2eeLine(t, s.e2ee) },
    { name: t.t('voice.status.heard'), value: cut(heard, 1000) },
    { name: t.t('voice.status.latency'), value: cut(turns, 1020) },
  );
  if (input.lastEnd) fields.push(lastEndField(t, input.lastEnd));
  const embed: APIEmbed = {
    title: cut(t.t('voice.status.title', { persona: s.persona.name }), 250),
    description: `<#${s.channelId}>`,
    color: ACCENT,
    fields,
  };
  return { embeds: [embed] };
}
