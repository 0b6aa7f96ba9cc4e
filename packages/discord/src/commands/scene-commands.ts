// /scene: several characters in one voice channel. Adding, removing and the mode are state changes
// everyone there should know about: each is posted publicly once it happened; refusals and errors
// stay private. Changing who plays needs the same permission as /persona set; the addressed-only
// setting is for admins.
import type { Persona, SceneMode } from '@troupe/realtime-core';
import { ChannelType, type ChatInputCommandInteraction } from 'discord.js';
import { type MessageKey, type Translator, text } from '../i18n/translate.ts';
import type { SceneRefusal } from '../voice/types.ts';
import type { AddOutcome, VoiceSessionPort } from '../voice-port.ts';
import { callerOf } from './caller.ts';
import { assertOwnChannel } from './channels.ts';
import { type CommandContext, UserError } from './context.ts';
import { echo } from './echo.ts';
import { checkAdmin, checkPersonaSwitch } from './permissions.ts';
import { whileInVoice } from './persona-commands.ts';
import { type MessageBody, plain } from './reply.ts';
import { MODE_NAMES, sceneListBody } from './scene-embeds.ts';

/** `/scene add|remove|list|mode|next|addressed-only`. */
export async function handleScene(
  ctx: CommandContext,
  i: ChatInputCommandInteraction<'cached'>,
  tr: Translator,
): Promise<MessageBody> {
  const sub = i.options.getSubcommand();
  const guildId = i.guildId;
  if (sub === 'addressed-only') return addressedOnly(ctx, i, tr);
  if (sub === 'list') {
    const session = ctx.voice.get(guildId);
    if (!session) throw new UserError('scene.noSession');
    return sceneListBody(tr, session.scene(), session.channelId);
  }
  const perm = checkPersonaSwitch(callerOf(i), await ctx.store.getSettings(guildId));
  if (!perm.ok) throw new UserError(perm.reason);
  if (sub === 'mode') return setMode(ctx, i, tr);
  const session = ctx.voice.get(guildId);
  if (!session) throw new UserError('scene.noSession');
  if (sub === 'add') return addCharacter(ctx, i, tr, session);
  if (sub === 'remove') return removeCharacter(ctx, i, tr, session);
  if (sub === 'next') {
    const wanted = i.options.getString('persona');
    const persona = wanted === null ? undefined : inScene(session, wanted);
    if (wanted !== null && !persona) throw new UserError('scene.absent', { persona: echo(wanted) });
    if (!session.nextSpeaker(persona?.id)) throw new UserError('scene.next.nobody');
    return plain(persona ? tr.t('scene.next.done', { persona: persona.name }) : tr.t('scene.next.doneAny'));
  }
  throw new UserError('error.unknownSubcommand', { sub: echo(sub) });
}

/** A character of the scene by id (or by its exact name). */
function inScene(session: VoiceSessionPort, wanted: string): Persona | undefined {
  const key = wanted.trim();
  return session.characters.find((p) => p.id === key) ?? session.characters.find((p) => p.name === key);
}

const REFUSALS = {
  full: 'scene.full',
  already: 'scene.already',
  nameTaken: 'scene.nameTaken',
  last: 'scene.last',
  absent: 'scene.absent',
  inScene: 'scene.inScene',
} as const satisfies Record<SceneRefusal, MessageKey>;

const ADDED = {
  connected: 'scene.add.done',
  waiting: 'scene.add.waiting',
  failed: 'scene.add.failed',
} as const satisfies Record<AddOutcome, MessageKey>;

/** A scene change the voice layer refused, in the reader's words. */
function refusal(err: unknown, persona: { name: string }, session: VoiceSessionPort): Error {
  const e = err as { name?: unknown; refusal?: unknown; limit?: unknown };
  if (e.name === 'VoiceBudgetError') return new UserError('join.noModelSession', { limit: Number(e.limit) });
  const key = e.name === 'SceneChangeError' ? REFUSALS[e.refusal as SceneRefusal] : undefined;
  if (!key) return err as Error;
  return new UserError(key, { persona: persona.name, count: session.scene().maxCast });
}

async function addCharacter(
  ctx: CommandContext,
  i: ChatInputCommandInteraction<'cached'>,
  tr: Translator,
  session: VoiceSessionPort,
): Promise<MessageBody> {
  const id = i.options.getString('persona', true);
  const entry = await ctx.registry.get(i.guildId, id);
  if (!entry) throw new UserError('error.unknownPersona', { id: echo(id) });
  const { persona } = entry;
  let outcome: AddOutcome;
  try {
    outcome = await whileInVoice(ctx, i.guildId, session.addCharacter(persona), () =>
      text('scene.noSession'),
    );
  } catch (err) {
    throw refusal(err, persona, session);
  }
  const channel = session.channelId;
  await notify(ctx, i, channel, (t) =>
    t.t('scene.add.notice', { user: `<@${i.user.id}>`, persona: persona.name }),
  );
  return plain(
    `${tr.t(ADDED[outcome], { persona: persona.name, channel })}\n${tr.t('posted.public', { channel })}`,
  );
}

async function removeCharacter(
  ctx: CommandContext,
  i: ChatInputCommandInteraction<'cached'>,
  tr: Translator,
  session: VoiceSessionPort,
): Promise<MessageBody> {
  const wanted = i.options.getString('persona', true);
  const persona = inScene(session, wanted);
  if (!persona) throw new UserError('scene.absent', { persona: echo(wanted) });
  try {
    await whileInVoice(ctx, i.guildId, session.removeCharacter(persona.id), () => text('scene.noSession'));
  } catch (err) {
    throw refusal(err, persona, session);
  }
  const channel = session.channelId;
  await notify(ctx, i, channel, (t) =>
    t.t('scene.remove.notice', { user: `<@${i.user.id}>`, persona: persona.name }),
  );
  return plain(
    `${tr.t('scene.remove.done', { persona: persona.name, channel })}\n${tr.t('posted.public', { channel })}`,
  );
}

/** The channel a setting is for: the option, else the scene's, else the caller's voice channel. */
function settingChannel(ctx: CommandContext, i: ChatInputCommandInteraction<'cached'>): string {
  const option = i.options.getChannel('channel');
  if (option) {
    assertOwnChannel(i, option);
    if (option.type !== ChannelType.GuildVoice && option.type !== ChannelType.GuildStageVoice)
      throw new UserError('join.notVoice', { name: echo(option.name) });
    return option.id;
  }
  const id = ctx.voice.get(i.guildId)?.channelId ?? i.member.voice.channel?.id;
  if (!id) throw new UserError('scene.noChannel');
  return id;
}

async function setMode(
  ctx: CommandContext,
  i: ChatInputCommandInteraction<'cached'>,
  tr: Translator,
): Promise<MessageBody> {
  const mode = i.options.getString('mode', true) as SceneMode;
  if (!['lead', 'round-robin', 'natural'].includes(mode))
    throw new UserError('error.unknownSubcommand', { sub: echo(mode) });
  const channel = settingChannel(ctx, i);
  await ctx.voice.setChannelScene(i.guildId, channel, { mode });
  const live = ctx.voice.get(i.guildId)?.channelId === channel;
  if (live)
    await notify(ctx, i, channel, (t) =>
      t.t('scene.mode.notice', { user: `<@${i.user.id}>`, mode: { key: MODE_NAMES[mode] } }),
    );
  const done = tr.t('scene.mode.done', { channel, mode: { key: MODE_NAMES[mode] } });
  return plain(live ? `${done}\n${tr.t('posted.public', { channel })}` : done);
}

async function addressedOnly(
  ctx: CommandContext,
  i: ChatInputCommandInteraction<'cached'>,
  tr: Translator,
): Promise<MessageBody> {
  const perm = checkAdmin(callerOf(i), 'action.sceneSettings');
  if (!perm.ok) throw new UserError(perm.reason);
  const on = i.options.getBoolean('enabled', true);
  const channel = settingChannel(ctx, i);
  const before = ctx.voice.get(i.guildId);
  await whileInVoice(
    ctx,
    i.guildId,
    ctx.voice.setChannelScene(i.guildId, channel, { addressedOnly: on }),
    () => text('scene.noSession'),
  );
  const live = before?.channelId === channel && ctx.voice.get(i.guildId) === before;
  const key = on ? 'scene.addressedOnly.noticeOn' : 'scene.addressedOnly.noticeOff';
  if (live) await notify(ctx, i, channel, (t) => t.t(key, { user: `<@${i.user.id}>` }));
  const state = { key: on ? 'scene.addressedOnly.on' : 'scene.addressedOnly.off' } as const;
  const done = tr.t('scene.addressedOnly.done', { state, channel });
  return plain(live ? `${done}\n${tr.t('posted.public', { channel })}` : done);
}

/** Posts a public notice; a notice that cannot be posted is logged (the change happened anyway). */
async function notify(
  ctx: CommandContext,
  i: ChatInputCommandInteraction<'cached'>,
  channelId: string,
  render: (t: Translator) => string,
): Promise<void> {
  await ctx
    .announce(i.guildId, channelId, render)
    .catch((err: unknown) => ctx.logger.warn({ err, guildId: i.guildId }, 'could not post a scene notice'));
}
