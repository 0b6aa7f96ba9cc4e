// After a crash (SIGKILL, OOM, power loss) the bot never said goodbye: the store still records the
// channels it was talking in, and Discord may still show it sitting in them with a dead voice
// connection. On start-up the bot reconciles, once per guild:
//   - recorded session, people still in that channel, cap not used up → rejoin it once, with the
//     recorded persona (or the guild default if that persona was removed meanwhile);
//   - otherwise (channel gone or empty, cap reached, or a voice state Discord shows without any
//     record) → leave: clear the stale voice state and forget the record.
// A failed rejoin also ends in a clean leave. Either way a guild ends with zero or one connection.
// A clean shutdown (SIGINT/SIGTERM) leaves every channel and clears the records: nothing to restore.
//
// With several hosts, a host restores only the guilds of its own shards, and only records nobody
// holds a live lease on (or it held itself before the restart: it waits for that lease to run out,
// see SessionOwnership.claimAfterRestart). A guild whose session another host holds is left alone,
// voice state included: that host is running it.

import type { ShardFilter, Store, StoredVoiceSession } from '@troupe/store';
import { type Client, GatewayOpcodes, type Guild } from 'discord.js';
import type { Logger } from 'pino';
import type { SceneMemoryStore } from '../memory/scene-memory-store.ts';
import type { SessionOwnership } from '../ownership/session-ownership.ts';
import type { PersonaRegistry } from '../personas/registry.ts';
import type { UsageTracker } from '../usage/usage-tracker.ts';
import type { VoiceManagerPort } from '../voice-port.ts';
import type { Announce } from './context.ts';
import { memoryRetention, vadOf } from './join-leave.ts';
import { joinNoticeText } from './notices.ts';

/** What the gateway shows for one guild right after start-up. */
export interface ObservedGuild {
  /** The channel Discord shows the bot in, if any (possibly a stale state from before the crash). */
  botChannelId: string | null;
  /** Voice channels of the guild and how many people (not bots) sit in each. */
  voiceChannels: ReadonlyMap<string, { humans: number }>;
}

export type RestoreAction =
  | { kind: 'rejoin'; guildId: string; channelId: string; personaId: string }
  | {
      kind: 'leave';
      guildId: string;
      staleChannelId: string | null;
      reason: string;
      /** The record to forget (claimed, then released); null: only a voice state to clear. */
      record: { channelId: string; personaId: string } | null;
    }
  | { kind: 'skip'; guildId: string; holderHostId: string };

/**
 * Pure decision: what to do in each guild of this host's shards. `restorable` are the records this
 * host may take over; `heldElsewhere` the guilds whose live lease another host holds (by host id).
 */
export function planVoiceRestore(
  restorable: readonly Pick<StoredVoiceSession, 'guildId' | 'channelId' | 'personaId'>[],
  heldElsewhere: ReadonlyMap<string, string>,
  observed: ReadonlyMap<string, ObservedGuild>,
  capAllowed: (guildId: string) => boolean,
): RestoreAction[] {
  const actions: RestoreAction[] = [];
  const seen = new Set<string>();
  for (const [guildId, holderHostId] of heldElsewhere) {
    seen.add(guildId);
    if (observed.has(guildId)) actions.push({ kind: 'skip', guildId, holderHostId });
  }
  for (const s of restorable) {
    if (seen.has(s.guildId)) continue;
    seen.add(s.guildId);
    const g = observed.get(s.guildId);
    const leave = (reason: string): RestoreAction => ({
      kind: 'leave',
      guildId: s.guildId,
      staleChannelId: g?.botChannelId ?? null,
      reason,
      record: { channelId: s.channelId, personaId: s.personaId },
    });
    const channel = g?.voiceChannels.get(s.channelId);
    if (!g) actions.push(leave('the bot is no longer in that server'));
    else if (!channel) actions.push(leave('the voice channel no longer exists'));
    else if (channel.humans === 0) actions.push(leave('nobody is left in the channel'));
    else if (!capAllowed(s.guildId)) actions.push(leave("today's voice limit is used up"));
    else actions.push({ kind: 'rejoin', guildId: s.guildId, channelId: s.channelId, personaId: s.personaId });
  }
  for (const [guildId, g] of observed) {
    if (seen.has(guildId) || !g.botChannelId) continue;
    actions.push({
      kind: 'leave',
      guildId,
      staleChannelId: g.botChannelId,
      reason: 'a voice state with no session on record',
      record: null,
    });
  }
  return actions;
}

export interface VoiceRestoreDeps {
  client: Client;
  store: Pick<Store, 'listRestorableSessions' | 'listVoiceSessions' | 'getSettings'>;
  ownership: SessionOwnership;
  /** The shards this client runs: the guilds this host is responsible for. */
  shards: ShardFilter;
  registry: PersonaRegistry;
  voice: VoiceManagerPort;
  usage: UsageTracker;
  /** Posts the "an AI is listening again" notice before rejoining (no notice, no rejoin). */
  announce?: Announce | undefined;
  /** Scene memory, for what the notice says is remembered. */
  sceneMemory?: SceneMemoryStore | undefined;
  logger: Logger;
}

/** One guild's result, for logs and tests. */
export interface RestoreOutcome {
  guildId: string;
  result: 'rejoined' | 'left' | 'skipped';
  channelId: string | null;
  reason?: string;
}

function observe(guild: Guild): ObservedGuild {
  const botId = guild.client.user.id;
  const voiceChannels = new Map<string, { humans: number }>();
  for (const c of guild.channels.cache.values()) if (c.isVoiceBased()) voiceChannels.set(c.id, { humans: 0 });
  for (const vs of guild.voiceStates.cache.values()) {
    if (!vs.channelId || vs.id === botId || vs.member?.user.bot) continue;
    const entry = voiceChannels.get(vs.channelId);
    if (entry) entry.humans++;
  }
  return { botChannelId: guild.voiceStates.cache.get(botId)?.channelId ?? null, voiceChannels };
}

/** Tells Discord the bot is in no voice channel of `guild` (op 4 with a null channel). */
function clearVoiceState(guild: Guild): void {
  guild.shard.send({
    op: GatewayOpcodes.VoiceStateUpdate,
    d: { guild_id: guild.id, channel_id: null, self_mute: false, self_deaf: false },
  });
}

/** Runs the reconciliation once, after the client is ready. Never throws: one guild cannot stop another. */
export async function restoreVoiceSessions(d: VoiceRestoreDeps): Promise<RestoreOutcome[]> {
  const observed = new Map<string, ObservedGuild>();
  for (const guild of d.client.guilds.cache.values()) observed.set(guild.id, observe(guild));
  let restorable: StoredVoiceSession[];
  let all: StoredVoiceSession[];
  try {
    [restorable, all] = await Promise.all([
      d.store.listRestorableSessions(d.ownership.hostId, d.shards),
      d.store.listVoiceSessions(d.shards),
    ]);
  } catch (err) {
    // Without the records nothing can be decided safely; voice states stay as they are.
    d.logger.error({ err }, 'voice sessions not reconciled: the store could not be read');
    return [];
  }
  const mine = new Set(restorable.map((s) => s.guildId));
  const heldElsewhere = new Map(
    all.filter((s) => !mine.has(s.guildId) && s.ownerHostId).map((s) => [s.guildId, s.ownerHostId as string]),
  );
  const capOk = new Set<string>();
  for (const s of restorable) {
    const check = await d.usage.checkJoin(s.guildId).catch(() => ({ allowed: true }));
    if (check.allowed) capOk.add(s.guildId);
  }
  const actions = planVoiceRestore(restorable, heldElsewhere, observed, (g) => capOk.has(g));
  const outcomes = await Promise.all(actions.map((a) => apply(d, a)));
  d.logger.info(
    {
      rejoined: outcomes.filter((o) => o.result === 'rejoined').length,
      left: outcomes.filter((o) => o.result === 'left').length,
      skipped: outcomes.filter((o) => o.result === 'skipped').length,
      shards: d.shards,
    },
    'voice sessions reconciled',
  );
  return outcomes;
}

/** Another host runs the guild's session: nothing here may touch it. */
function skipped(d: VoiceRestoreDeps, guildId: string, holderHostId: string): RestoreOutcome {
  d.logger.warn(
    { guildId, holder: holderHostId, host: d.ownership.hostId, shards: d.shards },
    'not restoring: another host holds this guild’s voice session although this host’s shards include it (check that no two hosts run the same shards, and that every host uses the same SHARD_COUNT)',
  );
  return { guildId, result: 'skipped', channelId: null, reason: `held by ${holderHostId}` };
}

async function apply(d: VoiceRestoreDeps, a: RestoreAction): Promise<RestoreOutcome> {
  if (a.kind === 'skip') return skipped(d, a.guildId, a.holderHostId);
  const guild = d.client.guilds.cache.get(a.guildId);
  const clearState = (channelId: string | null) => {
    if (!guild || !channelId) return;
    try {
      clearVoiceState(guild);
    } catch (err) {
      d.logger.warn({ err, guildId: a.guildId }, 'could not clear a stale voice state');
    }
  };
  const left = (channelId: string | null, reason: string): RestoreOutcome => {
    d.logger.info({ guildId: a.guildId, channelId, reason }, 'left voice after restart');
    return { guildId: a.guildId, result: 'left', channelId, reason };
  };
  if (a.kind === 'leave') {
    if (a.record) {
      // Claimed so the record can be forgotten; released at once (no session follows).
      const claim = await d.ownership
        .claimAfterRestart(a.guildId, a.record.channelId, a.record.personaId)
        .catch((err: unknown) => {
          d.logger.warn({ err, guildId: a.guildId }, 'could not forget a voice session record');
          return undefined;
        });
      if (claim && !claim.ok) return skipped(d, a.guildId, claim.holderHostId);
      claim?.settled();
    }
    clearState(a.staleChannelId);
    return left(a.staleChannelId, a.reason);
  }
  return rejoin(d, a, guild, clearState, left);
}

async function rejoin(
  d: VoiceRestoreDeps,
  a: Extract<RestoreAction, { kind: 'rejoin' }>,
  guild: Guild | undefined,
  clearState: (channelId: string | null) => void,
  left: (channelId: string | null, reason: string) => RestoreOutcome,
): Promise<RestoreOutcome> {
  const channel = guild?.channels.cache.get(a.channelId);
  if (!guild || !channel?.isVoiceBased()) return left(null, 'the voice channel no longer exists');
  const persona =
    (await d.registry.get(a.guildId, a.personaId))?.persona ?? (await d.registry.defaultFor(a.guildId));
  let claim: Awaited<ReturnType<SessionOwnership['claimAfterRestart']>>;
  try {
    claim = await d.ownership.claimAfterRestart(a.guildId, channel.id, persona.id);
  } catch (err) {
    d.logger.warn({ err, guildId: a.guildId }, 'could not claim the voice session after restart');
    return { guildId: a.guildId, result: 'skipped', channelId: null, reason: 'the store is unreachable' };
  }
  if (!claim.ok) return skipped(d, a.guildId, claim.holderHostId);
  try {
    let notice: Awaited<ReturnType<Announce>> | undefined;
    const settings = await d.store.getSettings(a.guildId);
    const memoryDays = await memoryRetention({ sceneMemory: d.sceneMemory, logger: d.logger }, a.guildId);
    try {
      notice = await d.announce?.(a.guildId, channel.id, (t) =>
        joinNoticeText(t, { persona, settings, voiceChannelId: channel.id, memoryDays }),
      );
    } catch (err) {
      // People must be told an AI is listening; if that cannot be said, do not listen.
      d.logger.warn({ err, guildId: a.guildId }, 'could not post the listening notice after restart');
      clearState(channel.id);
      return left(channel.id, 'the listening notice could not be posted');
    }
    try {
      await d.voice.join(channel, persona, { vad: vadOf(settings) });
      d.logger.info(
        { guildId: a.guildId, channelId: channel.id, persona: persona.id },
        'rejoined voice after restart',
      );
      return { guildId: a.guildId, result: 'rejoined', channelId: channel.id };
    } catch (err) {
      d.logger.warn({ err, guildId: a.guildId }, 'could not rejoin voice after restart');
      await notice?.retract();
      clearState(channel.id);
      return left(channel.id, `rejoining failed: ${(err as Error).message}`);
    }
  } catch (err) {
    d.logger.warn({ err, guildId: a.guildId }, 'could not restore the voice session');
    clearState(channel.id);
    return left(channel.id, `restoring failed: ${(err as Error).message}`);
  } finally {
    claim.settled();
  }
}
