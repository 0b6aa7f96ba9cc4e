// /join and /leave. Joining is public: everyone in the voice channel is told, in the channel's
// own chat and in the server's language, that an AI character is listening, where their audio
// goes and how to opt out. The notice goes up before the bot joins, so no audio is forwarded
// before it exists; if it cannot be posted the bot does not join at all, and if the join then
// fails the notice is taken down again. Refusals and errors stay private to whoever ran /join.
import type { Persona } from '@troupe/realtime-core';
import type { GuildSettings } from '@troupe/store';
import {
  ChannelType,
  type ChatInputCommandInteraction,
  PermissionFlagsBits,
  type VoiceBasedChannel,
} from 'discord.js';
import { modelFailureOf } from '../announce.ts';
import type { Translator } from '../i18n/translate.ts';
import type { ClaimHeld } from '../ownership/session-ownership.ts';
import type { GuildVad } from '../voice-port.ts';
import { callerOf } from './caller.ts';
import { assertOwnChannel } from './channels.ts';
import { type Announcement, type CommandContext, UserError } from './context.ts';
import { echo } from './echo.ts';
import { joinNoticeText } from './notices.ts';
import { checkPersonaSwitch } from './permissions.ts';
import { type MessageBody, plain } from './reply.ts';

/** What the bot needs in the voice channel: to be there, to be heard, and to post the notice. */
const NEEDED = [
  ['ViewChannel', PermissionFlagsBits.ViewChannel],
  ['Connect', PermissionFlagsBits.Connect],
  ['Speak', PermissionFlagsBits.Speak],
  ['SendMessages', PermissionFlagsBits.SendMessages],
] as const;

/** Permissions the bot lacks in `channel`; empty when its own member is not cached (the voice layer checks again). */
export function missingBotPermissions(channel: VoiceBasedChannel): (typeof NEEDED)[number][0][] {
  const me = channel.guild?.members?.me;
  if (!me || typeof channel.permissionsFor !== 'function') return [];
  const perms = channel.permissionsFor(me);
  return NEEDED.filter(([, bit]) => !perms?.has(bit)).map(([name]) => name);
}

function resolveChannel(i: ChatInputCommandInteraction<'cached'>): VoiceBasedChannel {
  const option = i.options.getChannel('channel');
  if (option) {
    assertOwnChannel(i, option);
    if (option.type !== ChannelType.GuildVoice && option.type !== ChannelType.GuildStageVoice) {
      throw new UserError('join.notVoice', { name: echo(option.name) });
    }
    return option as VoiceBasedChannel;
  }
  const own = i.member.voice.channel;
  if (!own) throw new UserError('join.noChannel');
  return own;
}

/** `/join [channel] [persona]`. */
export async function handleJoin(
  ctx: CommandContext,
  i: ChatInputCommandInteraction<'cached'>,
  tr: Translator,
): Promise<MessageBody> {
  const guildId = i.guildId;
  const channel = resolveChannel(i);
  const personaId = i.options.getString('persona');
  const entry = personaId ? await ctx.registry.get(guildId, personaId) : undefined;
  if (personaId && !entry) throw new UserError('error.unknownPersona', { id: echo(personaId) });
  const guildDefault = await ctx.registry.defaultFor(guildId);
  const persona = entry?.persona ?? guildDefault;
  const settings = await ctx.store.getSettings(guildId);
  if (personaId && persona.id !== guildDefault.id) {
    const perm = checkPersonaSwitch(callerOf(i), settings);
    if (!perm.ok) throw new UserError(perm.reason);
  }
  const existing = ctx.voice.get(guildId);
  if (existing) return alreadyThere(tr, channel.id, existing.channelId, existing.persona.name);
  const cap = await ctx.usage.checkJoin(guildId);
  if (!cap.allowed) throw new UserError(cap.text);
  const missing = missingBotPermissions(channel);
  if (missing.length > 0) {
    throw new UserError('join.missingPermissions', {
      permissions: missing.map((p) => tr.t(`perm.${p}`)).join(tr.t('list.separator')),
      channel: channel.id,
    });
  }
  const done = joinTracked(ctx, guildId);
  try {
    return await announceAndJoin(ctx, i, tr, channel, persona, settings);
  } finally {
    done();
  }
}

/** Marks a /join in progress for `guildId` (see CommandContext.pendingJoins); returns its end. */
function joinTracked(ctx: CommandContext, guildId: string): () => void {
  let end = () => {};
  const pending = new Promise<void>((resolve) => {
    end = resolve;
  });
  const chained = Promise.all([ctx.pendingJoins.get(guildId), pending]);
  ctx.pendingJoins.set(guildId, chained);
  return () => {
    end();
    if (ctx.pendingJoins.get(guildId) === chained) ctx.pendingJoins.delete(guildId);
  };
}

async function announceAndJoin(
  ctx: CommandContext,
  i: ChatInputCommandInteraction<'cached'>,
  tr: Translator,
  channel: VoiceBasedChannel,
  persona: Persona,
  settings: GuildSettings,
): Promise<MessageBody> {
  const guildId = i.guildId;
  // Before anything public: only the host holding the guild's lease may run its session.
  const claim = await claimGuild(ctx, guildId, channel.id, persona.id);
  try {
    const memoryDays = await memoryRetention(ctx, guildId);
    let notice: Announcement;
    try {
      notice = await ctx.announce(guildId, channel.id, (t) =>
        joinNoticeText(t, { persona, user: i.user.id, settings, voiceChannelId: channel.id, memoryDays }),
      );
    } catch (err) {
      ctx.logger.warn({ err, guildId, channelId: channel.id }, 'could not post the join notice; not joining');
      throw new UserError('join.noticeFailed', { channel: channel.id });
    }
    const busy = await joinVoice(ctx, i, tr, channel, persona, notice, vadOf(settings));
    if (busy) return busy;
    // A racing join of this host claimed first, for its own channel: record where the session is
    // (a restart after a crash rejoins it, see voice-restore.ts).
    if (claim.shared && ctx.voice.get(guildId)?.channelId === channel.id)
      await ctx.ownership.record(guildId, { channelId: channel.id, personaId: persona.id });
  } finally {
    claim.settled();
  }
  return plain(
    `${tr.t('join.done', { persona: persona.name, channel: channel.id })}\n${tr.t('posted.public', { channel: channel.id })}`,
  );
}

/** Days the guild's scene lines are kept, for the notice (undefined when nothing is stored or unknown). */
export async function memoryRetention(ctx: Pick<CommandContext, 'sceneMemory' | 'logger'>, guildId: string) {
  return ctx.sceneMemory?.retentionDays(guildId).catch((err: unknown) => {
    ctx.logger.warn({ err, guildId }, 'could not read the scene memory retention');
    return undefined;
  });
}

/** The guild's VAD settings for a new session. */
export function vadOf(s: GuildSettings): GuildVad {
  return {
    silenceMs: s.vadSilenceMs,
    prefixPaddingMs: s.vadPrefixPaddingMs,
    energyThreshold: s.vadEnergyThreshold,
  };
}

/**
 * Claims the guild's voice session for this host. Refused: another host runs it (the caller is
 * told when to try again; the operator, in the log, what is misconfigured).
 */
async function claimGuild(
  ctx: CommandContext,
  guildId: string,
  channelId: string,
  personaId: string,
): Promise<ClaimHeld> {
  let claim: Awaited<ReturnType<CommandContext['ownership']['claim']>>;
  try {
    claim = await ctx.ownership.claim(guildId, channelId, personaId);
  } catch (err) {
    ctx.logger.error({ err, guildId }, 'could not claim the voice session: database unreachable');
    throw new UserError('join.storeUnavailable');
  }
  if (claim.ok) return claim;
  ctx.logger.warn(
    { guildId, holder: claim.holderHostId, holderChannelId: claim.channelId, host: ctx.ownership.hostId },
    'join refused: another host holds this guild’s voice session (if that host should not run this guild, check SHARD_IDS/SHARD_COUNT on both)',
  );
  throw new UserError('join.heldElsewhere', {
    channel: claim.channelId,
    seconds: Math.ceil(claim.retryAfterMs / 1000),
  });
}

/** The answer when the guild's persona is already in voice: here (fine) or elsewhere (refused). */
function alreadyThere(tr: Translator, wanted: string, current: string, personaName: string): MessageBody {
  if (current === wanted) return plain(tr.t('join.alreadyHere', { persona: personaName, channel: current }));
  throw new UserError('join.alreadyElsewhere', { persona: personaName, channel: current });
}

/** Joins; on failure takes the notice down. Returns the reply when a racing /join got there first. */
async function joinVoice(
  ctx: CommandContext,
  i: ChatInputCommandInteraction<'cached'>,
  tr: Translator,
  channel: VoiceBasedChannel,
  persona: Persona,
  notice: Announcement,
  vad: GuildVad,
): Promise<MessageBody | undefined> {
  try {
    // Exclusive: a /join racing this one (another channel, or someone else in this one) is waited
    // for, and then this one is answered as if it had come second.
    await ctx.voice.join(channel, persona, {
      exclusive: true,
      vad,
      onQueued: () => {
        i.editReply(tr.t('join.queued', { channel: channel.id })).catch(() => undefined);
      },
    });
    return undefined;
  } catch (err) {
    await notice.retract();
    const e = err as { name?: unknown; channelId?: unknown; personaName?: unknown };
    if (e.name === 'VoiceBusyError' && typeof e.channelId === 'string')
      return alreadyThere(tr, channel.id, e.channelId, String(e.personaName));
    throw joinFailure(ctx, i, channel.id, err);
  }
}

/**
 * Turns a failed join into what the caller may see, in their language. The voice layer words a
 * model failure plainly ("I joined, but the voice model service refused this bot's access; …")
 * and keeps the operator's detail for the log (and admins' /voice status).
 */
function joinFailure(
  ctx: CommandContext,
  i: ChatInputCommandInteraction<'cached'>,
  channelId: string,
  err: unknown,
): Error {
  const e = err as { name?: unknown; message?: unknown; userMessage?: unknown; limit?: unknown };
  if (typeof e.userMessage === 'string') return new UserError({ raw: e.userMessage });
  // Every model session the process may hold is in use (the provider's concurrency limit).
  if (e.name === 'VoiceBudgetError') return new UserError('join.noModelSession', { limit: Number(e.limit) });
  if (e.name !== 'VoiceJoinError' || typeof e.message !== 'string') return err as Error;
  const message = e.message as string;
  const model = modelFailureOf(/^I joined, but (.+)\.$/s.exec(message)?.[1]);
  if (model) {
    ctx.logger.warn({ guildId: i.guildId, ref: i.id, model }, 'voice model refused the join');
    return new UserError('join.modelFailed', { reason: { key: `model.${model}` } });
  }
  if (/could not connect to .* within/i.test(message))
    return new UserError('join.timeout', { channel: channelId });
  // The voice layer's own permission check and anything else it explains in plain words.
  return new UserError({ raw: message });
}

/** `/leave`: public, so the channel knows nobody is listening any more. */
export async function handleLeave(
  ctx: CommandContext,
  i: ChatInputCommandInteraction<'cached'>,
  tr: Translator,
): Promise<MessageBody> {
  const guildId = i.guildId;
  // A /leave racing a /join leaves what that join starts: wait for it, then look.
  await ctx.pendingJoins.get(guildId)?.catch(() => undefined);
  const before = ctx.voice.get(guildId);
  let endedIn: string | undefined;
  const onEnded = (e: { guildId: string; channelId: string }) => {
    if (e.guildId === guildId) endedIn ??= e.channelId;
  };
  ctx.voice.on('sessionEnded', onEnded);
  let left: boolean;
  try {
    left = await ctx.voice.leave(guildId, 'left');
  } finally {
    ctx.voice.off('sessionEnded', onEnded);
  }
  const channelId = before?.channelId ?? endedIn;
  if (!left || !channelId) throw new UserError('error.noSession');
  const persona = before?.persona.name;
  await ctx
    .announce(guildId, channelId, (t) =>
      t.t('leave.notice', { persona: persona ?? t.t('leave.someone'), user: `<@${i.user.id}>` }),
    )
    .catch((err: unknown) => ctx.logger.warn({ err, guildId }, 'could not post the leave notice'));
  return plain(tr.t('leave.done', { persona: persona ?? tr.t('leave.someone'), channel: channelId }));
}
