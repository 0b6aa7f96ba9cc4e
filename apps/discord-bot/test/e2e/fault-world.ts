// A many-guild world for the fault tests: discord-sim (and optionally realtime-sim) with the real
// bot from createBot, every guild with its own ids, roles and channels. Loopback only.

import { createLogger } from '@troupe/discord';
import { type DiscordSim, type SimGuildSpec, startDiscordSim } from '@troupe/discord-sim';
import { type RealtimeSim, startRealtimeSim } from '@troupe/realtime-sim';
import { openStore, type Store } from '@troupe/store';
import { PermissionFlagsBits } from 'discord.js';
import { type Bot, type CreateBotOptions, createBot } from '../../src/bot.ts';
import { type BotConfig, parseConfig } from '../../src/config.ts';
import { deployCommands } from '../../src/deploy-commands.ts';

export const APP_ID = '910000000000000001';
/** A fake token in Discord's three-part shape (the real bot's config insists on it). */
export const FAULT_TOKEN = 'OTEwMDAwMDAwMDAwMDAwMDAx.fault-sim.c2VjcmV0LXRva2VuLWZvci10ZXN0cy1vbmx5';
/** A fake StepFun key, long enough to be scanned for. */
export const FAULT_API_KEY = 'sk-fault-sim-0123456789abcdef';

/** Ids of one guild in the fault world (guild `i`). */
export interface FaultGuild {
  index: number;
  id: string;
  name: string;
  textId: string;
  voiceId: string;
  /** A second voice channel (`voice2-<i>`). */
  voice2Id: string;
  storytellerRoleId: string;
}

const id = (base: bigint, n: number) => String(base + BigInt(n));

/** Guild `i`: ids derived from `i` so every guild is distinct and recognisable in failures. */
export function faultGuild(i: number): FaultGuild {
  return {
    index: i,
    id: id(910000000000010000n, i * 100),
    name: `Guild ${String(i).padStart(2, '0')}`,
    textId: id(910000000000010001n, i * 100),
    voiceId: id(910000000000010002n, i * 100),
    voice2Id: id(910000000000010004n, i * 100),
    storytellerRoleId: id(910000000000010003n, i * 100),
  };
}

/**
 * Users: Owner (owns every guild), Admin (Manage Server everywhere), Mod (Manage Server only in even
 * guilds: an admin elsewhere must not count), Pleb (no roles), Teller (the Storytellers role).
 */
export const USERS = ['Owner', 'Admin', 'Mod', 'Pleb', 'Teller'] as const;

function guildSpec(
  g: FaultGuild,
  o: Pick<FaultWorldOptions, 'voiceUserLimit' | 'botMovesMembers'>,
): SimGuildSpec {
  return {
    id: g.id,
    name: g.name,
    roles: [
      { name: 'Admins', permissions: PermissionFlagsBits.ManageGuild },
      { name: 'Storytellers', id: g.storytellerRoleId, permissions: 0n },
      { name: 'Movers', permissions: PermissionFlagsBits.MoveMembers },
    ],
    ...(o.botMovesMembers ? { botRoles: ['Movers'] } : {}),
    channels: [
      { id: g.textId, name: `text-${g.index}`, type: 'text' },
      { id: g.voiceId, name: `voice-${g.index}`, type: 'voice', userLimit: o.voiceUserLimit },
      { id: g.voice2Id, name: `voice2-${g.index}`, type: 'voice' },
    ],
    members: [
      { user: 'Owner' },
      { user: 'Admin', roles: ['Admins'] },
      { user: 'Mod', roles: g.index % 2 === 0 ? ['Admins'] : [] },
      { user: 'Pleb' },
      { user: 'Teller', roles: ['Storytellers'] },
    ],
  };
}

export interface FaultWorld {
  discord: DiscordSim;
  realtime: RealtimeSim | undefined;
  bot: Bot;
  store: Store;
  config: BotConfig;
  guilds: FaultGuild[];
  /** Every log line the bot wrote (JSON, after redaction), for assertions and the secret scan. */
  logs: string[];
  close(): Promise<void>;
}

export interface FaultWorldOptions {
  guilds: number;
  dbPath?: string;
  /** Start realtime-sim and use the real voice layer (default: the caller's createVoice). */
  realtime?: boolean;
  createVoice?: CreateBotOptions['createVoice'];
  voiceOptions?: Record<string, unknown>;
  /** User limit of every `voice-<i>` channel (default none). */
  voiceUserLimit?: number;
  /** Give the bot's role Move Members (it may then join a full channel). */
  botMovesMembers?: boolean;
  /** Extra origins the bot may download cards from as they are (test servers on loopback). */
  cardOrigins?: string[];
  /** Users already sitting in voice channels at start, by guild index (`voice-<i>`, or `voice2-<i>` with `second`). */
  inVoice?: { guild: number; user: (typeof USERS)[number]; second?: boolean }[];
}

/** Boots the world and logs the bot in; commands are registered in every guild. */
export async function startFaultWorld(o: FaultWorldOptions): Promise<FaultWorld> {
  const guilds = Array.from({ length: o.guilds }, (_, i) => faultGuild(i));
  const specs = guilds.map((g) => guildSpec(g, o));
  for (const v of o.inVoice ?? []) {
    const m = specs[v.guild]?.members?.find((x) => x.user === v.user);
    if (m) m.voiceChannel = `${v.second ? 'voice2' : 'voice'}-${v.guild}`;
  }
  const discord = await startDiscordSim({
    applicationId: APP_ID,
    token: FAULT_TOKEN,
    users: USERS.map((username, n) => ({ username, id: id(910000000000000100n, n) })),
    guilds: specs,
  });
  discord.trustCertificate();
  const realtime = o.realtime
    ? await startRealtimeSim({ apiKey: FAULT_API_KEY, acceptAnyModel: true, speed: 8 })
    : undefined;
  const config: BotConfig = {
    ...parseConfig({}),
    discordToken: FAULT_TOKEN,
    discordAppId: APP_ID,
    discordApiUrl: discord.restApi,
    stepfunApiKey: FAULT_API_KEY,
    realtimeUrl: realtime?.url ?? 'ws://127.0.0.1:9/v1/realtime',
    offlineDemo: false,
    secrets: [FAULT_TOKEN, FAULT_API_KEY],
    // Many guilds may talk at once here; the session budget has tests of its own.
    modelSessionLimit: 1000,
  };
  const logs: string[] = [];
  const logger = createLogger({
    level: 'debug',
    secrets: config.secrets,
    destination: { write: (line) => logs.push(line) },
  });
  const store = await openStore({ sqlitePath: o.dbPath ?? ':memory:' });
  const bot = await createBot({
    config,
    logger,
    store,
    ...(o.createVoice ? { createVoice: o.createVoice } : {}),
    ...(o.voiceOptions ? { voiceOptions: o.voiceOptions } : {}),
    ...(o.cardOrigins ? { cardSources: { trustedOrigins: o.cardOrigins } } : {}),
  });
  await Promise.all(
    guilds.map((g) =>
      deployCommands({ token: FAULT_TOKEN, appId: APP_ID, guildId: g.id, api: discord.restApi }),
    ),
  );
  await bot.start(FAULT_TOKEN);
  let closed = false;
  return {
    discord,
    realtime,
    bot,
    store,
    config,
    guilds,
    logs,
    async close() {
      if (closed) return;
      closed = true;
      await bot.stop();
      await store.close();
      await discord.close();
      await realtime?.close();
      assertNoUnencryptedAudio(discord);
    },
  };
}

/**
 * Every e2e world ends with this: in a DAVE call the bot never sent a non-silence frame without
 * end-to-end encryption (discord-sim counts what arrives at its SFU).
 */
export function assertNoUnencryptedAudio(discord: DiscordSim): void {
  const leaked = discord.stats.voice.unencryptedFromBot;
  if (leaked > 0)
    throw new Error(`the bot sent ${leaked} audio frame(s) without end-to-end encryption in an E2EE call`);
}

/** p-th percentile (0..100) of `values`, nearest-rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}
