import type { ChatInputCommandInteraction } from 'discord.js';
import { formatElapsed } from '../usage/usage-policy.ts';
import type { VoiceStatus } from '../voice-port.ts';
import { callerOf } from './caller.ts';
import { type CommandContext, UserError } from './context.ts';
import { echo } from './echo.ts';
import { checkPersonaSwitch } from './permissions.ts';
import { clip, whileInVoice } from './persona-commands.ts';

/** `/voice status|reset|optout|optin`. */
export async function handleVoice(
  ctx: CommandContext,
  i: ChatInputCommandInteraction<'cached'>,
): Promise<string> {
  const sub = i.options.getSubcommand();
  const guildId = i.guildId;
  if (sub === 'optout') {
    ctx.store.setOptOut(guildId, i.user.id, true);
    return '🔇 Done: your voice will not be sent to the persona on this server (effective immediately). `/voice optin` undoes it.';
  }
  if (sub === 'optin') {
    ctx.store.setOptOut(guildId, i.user.id, false);
    return '🔊 Done: the persona can hear you again on this server. `/voice optout` to stop.';
  }
  const session = ctx.voice.get(guildId);
  if (sub === 'status') {
    const today = ctx.usage.today(guildId);
    const usageLine = `Today: ${today.usedMinutes.toFixed(1)} min used${
      today.capMinutes ? ` of ${today.capMinutes} min` : ' (no daily cap)'
    }`;
    if (!session) return `No active voice session. ${usageLine}. Start one with \`/join\`.`;
    return clip(formatStatus(session.status(), usageLine));
  }
  if (sub === 'reset') {
    const perm = checkPersonaSwitch(callerOf(i), ctx.store.getSettings(guildId));
    if (!perm.ok) throw new UserError(perm.reason);
    if (!session) throw new UserError('No active voice session to reset. Start one with `/join`.');
    await whileInVoice(ctx, guildId, session.reset(), () => 'The session ended before the reset finished.');
    return `🧹 ${session.persona.name} forgot this conversation and starts fresh.`;
  }
  throw new UserError(`Unknown subcommand ${echo(sub)}. Redeploy the commands (\`pnpm deploy-commands\`).`);
}

const ms = (v: number | undefined) => (v === undefined ? '–' : `${Math.round(v)}`);

/** Whether the call is end-to-end encrypted, as Discord clients show it (privacy code per epoch). */
export function e2eeLine(e: VoiceStatus['e2ee']): string {
  if (!e) return 'Encryption: unknown';
  if (!e.negotiated) return 'Encryption: transport only (this call is not end-to-end encrypted)';
  if (!e.ready)
    return `Encryption: end-to-end (DAVE v${e.protocolVersion}) being set up; I stay silent until it is`;
  const code = e.privacyCode?.replace(/(\d{5})(?=\d)/g, '$1 ') ?? '';
  const epoch = e.epoch === undefined ? '' : ` · epoch ${e.epoch}`;
  return `Encryption: end-to-end (DAVE v${e.protocolVersion})${epoch} · privacy code ${code}`;
}

/** Renders `/voice status` as readable Markdown. */
export function formatStatus(s: VoiceStatus, usageLine: string): string {
  const heard = s.heard.length
    ? s.heard
        .map(
          (h) =>
            `• ${h.displayName}${h.speaking ? ' 🗣' : ''}${h.optedOut ? ' (opted out, not heard)' : ''} — ${h.packets} packets${
              h.corruptPackets ? `, ${h.corruptPackets} corrupt` : ''
            }`,
        )
        .join('\n')
    : '• nobody yet';
  const turns = s.turns.length
    ? [
        '```',
        'speaker          end→commit  commit→audio  audio→packet  total (ms)',
        ...s.turns.map(
          (t) =>
            `${t.speaker.slice(0, 16).padEnd(16)} ${ms(t.speechEndToCommitMs).padStart(10)}  ${ms(t.commitToFirstAudioMs).padStart(12)}  ${ms(t.firstAudioToFirstPacketMs).padStart(12)}  ${ms(t.totalMs).padStart(5)}`,
        ),
        '```',
      ].join('\n')
    : 'No turns yet.';
  return [
    `**${s.persona.name}** in <#${s.channelId}> · session ${formatElapsed(s.sessionAgeMs)} · model ${s.realtimeState}`,
    e2eeLine(s.e2ee),
    `Model audio this session: ${(s.usage.inputAudioMs / 1000).toFixed(0)} s in, ${(s.usage.outputAudioMs / 1000).toFixed(0)} s out. ${usageLine}.`,
    '**Heard**',
    heard,
    '**Latency (last turns)**',
    turns,
  ].join('\n');
}
