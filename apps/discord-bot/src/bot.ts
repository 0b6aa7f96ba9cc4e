// The stand-alone bot: a discord.js Client of its own with Troupe mounted on it. Hosts that already
// run a bot mount Troupe onto their own client instead (`mountTroupe` from @troupe/discord).
import {
  mountTroupe,
  type PersonaRegistry,
  type RestoreOutcome,
  type TranscriptPoster,
  type TroupeOptions,
  type UsageTracker,
  type VoiceManagerPort,
  type VoiceTuning,
} from '@troupe/discord';
import type { Clock, TransportFactory } from '@troupe/realtime-core';
import type { Store } from '@troupe/store';
import { Client, type ClientOptions, Events, GatewayIntentBits } from 'discord.js';
import type { Logger } from 'pino';
import type { BotConfig } from './config.ts';

/** Inputs for {@link createBot}. */
export interface CreateBotOptions {
  config: BotConfig;
  logger: Logger;
  store: Store;
  clientOptions?: Partial<ClientOptions>;
  /** Override the voice layer (tests). */
  createVoice?: TroupeOptions['createVoice'];
  /** Persona directory override (tests). */
  personaDir?: string;
  /** Extra voice options (e.g. `transportFactory`, `tuning`). */
  voiceOptions?: { transportFactory?: TransportFactory; tuning?: Partial<VoiceTuning> };
  /** Where character cards may be downloaded from (default: Discord's attachment hosts; see mountTroupe). */
  cardSources?: TroupeOptions['cardSources'];
  now?: () => number;
  /** Clock of the voice session lease keepers (tests). */
  clock?: Clock;
}

/**
 * The gateway shards this process runs: SHARD_IDS of SHARD_COUNT (all of them when only the count
 * is set). Under discord.js's ShardingManager the manager assigns each child its shard instead.
 */
export function shardOptions(config: BotConfig, env = process.env): Partial<ClientOptions> {
  if (env.SHARDING_MANAGER || config.shardCount === undefined) return {};
  const shards = config.shardIds ?? Array.from({ length: config.shardCount }, (_, i) => i);
  return { shards, shardCount: config.shardCount };
}

/** A wired bot: call `start(token)` to log in, `stop()` for a clean shutdown. */
export interface Bot {
  client: Client;
  registry: PersonaRegistry;
  voice: VoiceManagerPort;
  usage: UsageTracker;
  transcripts: TranscriptPoster;
  /** Set by `start()`: the post-crash voice reconciliation (rejoin once, or clear stale voice states). */
  readonly voiceRestore: Promise<RestoreOutcome[]> | undefined;
  start(token?: string): Promise<void>;
  stop(): Promise<void>;
}

/** Creates the client and mounts Troupe on it. */
export async function createBot(o: CreateBotOptions): Promise<Bot> {
  const { config, logger } = o;
  const client = new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildVoiceStates],
    ...shardOptions(config),
    ...o.clientOptions,
    rest: { ...(config.discordApiUrl ? { api: config.discordApiUrl } : {}), ...o.clientOptions?.rest },
  });
  const troupe = await mountTroupe(client, {
    realtime: { url: config.realtimeUrl, model: config.model, apiKey: config.stepfunApiKey ?? '' },
    store: o.store,
    hostId: config.hostId,
    voiceLeaseTtlMs: config.voiceLeaseTtlMs,
    ...(o.clock ? { clock: o.clock } : {}),
    logger,
    voice: {
      playbackFormat: config.playbackFormat,
      opusComplexity: config.opusComplexity,
      ...o.voiceOptions,
    },
    secrets: [config.discordToken, ...config.secrets].filter((s): s is string => !!s),
    scenes: {
      maxCast: config.sceneMaxCast,
      sessionLimit: config.modelSessionLimit,
      memoryDays: config.sceneMemoryDays,
    },
    // Troupe is this bot's only feature: a stale command gets "Unknown command, redeploy", not silence.
    answerUnknownCommands: true,
    discordApiUrl: config.discordApiUrl,
    ...(o.personaDir ? { personaDir: o.personaDir } : {}),
    cardSources: {
      ...o.cardSources,
      // A Discord emulator (DISCORD_API_URL) serves attachments from its own origin.
      trustedOrigins: [
        ...(config.discordApiUrl ? [new URL(config.discordApiUrl).origin] : []),
        ...(o.cardSources?.trustedOrigins ?? []),
      ],
    },
    ...(o.now ? { now: o.now } : {}),
    ...(o.createVoice ? { createVoice: o.createVoice } : {}),
  });
  client.on(Events.Error, (err) => logger.error({ err }, 'discord client error'));
  client.on(Events.ShardError, (err, shardId) => logger.error({ err, shardId }, 'gateway shard error'));

  let stopped = false;
  return {
    client,
    registry: troupe.registry,
    voice: troupe.voice,
    usage: troupe.usage,
    transcripts: troupe.transcripts,
    get voiceRestore() {
      return troupe.voiceRestore;
    },
    async start(token = config.discordToken) {
      if (!token)
        throw new Error(
          'DISCORD_TOKEN is missing — set it in .env (or run `pnpm demo` for the offline demo)',
        );
      const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
      await client.login(token);
      await ready;
      logger.info(
        {
          user: client.user?.tag,
          guilds: client.guilds.cache.size,
          host: config.hostId,
          shards: client.options.shards,
          shardCount: client.options.shardCount,
        },
        'bot ready',
      );
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await troupe.unmount();
      await client.destroy();
    },
  };
}
