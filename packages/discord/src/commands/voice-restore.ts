// After a crash (SIGKILL, OOM, power loss) the bot never said goodbye: the store still records the
// channels it was talking in, and Discord may still show it sitting in them with a dead voice
// connection. On start-up the bot reconciles, once per guild:
//   - recorded session, people still in that channel, cap not used up → rejoin it once, with the
//     recorded persona (or the guild default if that persona was removed meanwhile);
//   - otherwise (channel gone or empty, cap reached, or a voice state Discord shows without any
//     record) → leave: clear the stale voice state and forget the record.
// A failed rejoin also ends in a clean leave. Either way a guild ends with zero or one connection.
// A clean shutdown (SIGINT/SIGTERM) leaves every channel and clears the records: nothing to restore.
import { type Client, GatewayOpcodes, type Guild } from 'discord.js';
import type { Logger } from 'pino';
import type { SceneMemoryStore } from '../memory/scene-memory-store.ts';
import type { PersonaRegistry } from '../personas/registry.ts';
import type { Store, StoredVoiceSession } from '../store/store.ts';
import type { UsageTracker } from '../usage/usage-tracker.ts';
import type { VoiceManagerPort } from '../voice-port.ts';
import type { Announce } from './context.ts';
import { memoryRetention } from './join-leave.ts';
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
  | { kind: 'leave'; guildId: string; staleChannelId: string | null; reason: string };

/** Pure decision: what to do in each guild. */
export function planVoiceRestore(
  stored: readonly StoredVoiceSession[],
  observed: ReadonlyMap<string, ObservedGuild>,
  capAllowed: (guildId: string) => boolean,
): RestoreAction[] {
  const actions: RestoreAction[] = [];
  const seen = new Set<string>();
  for (const s of stored) {
    seen.add(s.guildId);
    const g = observed.get(s.guildId);
    const leave = (reason: string): RestoreAction => ({
      kind: 'leave',
      guildId: s.guildId,
      staleChannelId: g?.botChannelId ?? null,
      reason,
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
    });
  }
  return actions;
}

export interface VoiceRestoreDeps {
  client: Client;
  store: Store;
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
  result: 'rejoined' | 'left';
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
  const actions = planVoiceRestore(
    d.store.listVoiceSessions(),
    observed,
    (g) => d.usage.checkJoin(g).allowed,
  );
  const outcomes = await Promise.all(actions.map((a) => apply(d, a)));
  d.logger.info(
    {
      rejoined: outcomes.filter((o) => o.result === 'rejoined').length,
      left: outcomes.filter((o) => o.result === 'left').length,
    },
    'voice sessions reconciled',
  );
  return outcomes;
}

async function apply(d: VoiceRestoreDeps, a: RestoreAction): Promise<RestoreOutcome> {
  const guild = d.client.guilds.cache.get(a.guildId);
  const leave = (channelId: string | null, reason: string): RestoreOutcome => {
    d.store.clearVoiceSession(a.guildId);
    if (guild && channelId) {
      try {
        clearVoiceState(guild);
      } catch (err) {
        d.logger.warn({ err, guildId: a.guildId }, 'could not clear a stale voice state');
      }
    }
    d.logger.info({ guildId: a.guildId, channelId, reason }, 'left voice after restart');
    return { guildId: a.guildId, result: 'left', channelId, reason };
  };
  if (a.kind === 'leave') return leave(a.staleChannelId, a.reason);
  const channel = guild?.channels.cache.get(a.channelId);
  if (!guild || !channel?.isVoiceBased()) return leave(null, 'the voice channel no longer exists');
  const persona = d.registry.get(a.guildId, a.personaId)?.persona ?? d.registry.defaultFor(a.guildId);
  let notice: Awaited<ReturnType<Announce>> | undefined;
  try {
    const settings = d.store.getSettings(a.guildId);
    const memoryDays = await memoryRetention({ sceneMemory: d.sceneMemory, logger: d.logger }, a.guildId);
    notice = await d.announce?.(a.guildId, channel.id, (t) =>
      joinNoticeText(t, { persona, settings, voiceChannelId: channel.id, memoryDays }),
    );
  } catch (err) {
    // People must be told an AI is listening; if that cannot be said, do not listen.
    d.logger.warn({ err, guildId: a.guildId }, 'could not post the listening notice after restart');
    return leave(channel.id, 'the listening notice could not be posted');
  }
  try {
    await d.voice.join(channel, persona);
    d.store.setVoiceSession(a.guildId, channel.id, persona.id);
    d.logger.info(
      { guildId: a.guildId, channelId: channel.id, persona: persona.id },
      'rejoined voice after restart',
    );
    return { guildId: a.guildId, result: 'rejoined', channelId: channel.id };
  } catch (err) {
    d.logger.warn({ err, guildId: a.guildId }, 'could not rejoin voice after restart');
    await notice?.retract();
    return leave(channel.id, `rejoining failed: ${(err as Error).message}`);
  }
}
