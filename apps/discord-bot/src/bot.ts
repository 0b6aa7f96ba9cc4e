import { Client, type ClientOptions, Events, GatewayIntentBits } from 'discord.js';
import type { Logger } from 'pino';
import type { CommandContext } from './commands/context.ts';
import { routeInteraction } from './commands/router.ts';
import { type RestoreOutcome, restoreVoiceSessions } from './commands/voice-restore.ts';
import type { BotConfig } from './config.ts';
import { withTestCapture } from './logger.ts';
import { createCardParser } from './personas/card-parser.ts';
import { PersonaRegistry } from './personas/registry.ts';
import type { Store } from './store/store.ts';
import { DiscordTranscriptSink } from './transcripts/discord-sink.ts';
import { TranscriptPoster } from './transcripts/transcript-poster.ts';
import { UsageTracker } from './usage/usage-tracker.ts';
import { ChannelManager } from './voice/channel-manager.ts';
import type { VoiceTuning } from './voice/types.ts';
import type { VoiceManagerPort } from './voice-port.ts';

/** Inputs for {@link createBot}. */
export interface CreateBotOptions {
  config: BotConfig;
  logger: Logger;
  store: Store;
  clientOptions?: Partial<ClientOptions>;
  /** Override the voice layer (tests); default is the bot-voice ChannelManager. */
  createVoice?: (deps: {
    config: BotConfig;
    logger: Logger;
    store: Store;
  }) => VoiceManagerPort | Promise<VoiceManagerPort>;
  /** Persona directory override (tests). */
  personaDir?: string;
  /** Extra options handed to the ChannelManager (e.g. `transportFactory`, `tuning`). */
  voiceOptions?: Record<string, unknown>;
  /** fetch used to download character cards (default: global fetch). */
  fetch?: typeof fetch;
  now?: () => number;
}

/** A wired bot: call `start(token)` to log in, `stop()` for a clean shutdown. */
export interface Bot {
  client: Client;
  registry: PersonaRegistry;
  voice: VoiceManagerPort;
  usage: UsageTracker;
  transcripts: TranscriptPoster;
  /** Set by `start()`: the post-crash voice reconciliation (rejoin once, or clear stale voice states). */
  voiceRestore: Promise<RestoreOutcome[]> | undefined;
  start(token?: string): Promise<void>;
  stop(): Promise<void>;
}

function defaultVoice(
  deps: { config: BotConfig; logger: Logger; store: Store },
  extra: Record<string, unknown> | undefined,
): VoiceManagerPort {
  return new ChannelManager({
    realtime: {
      url: deps.config.realtimeUrl,
      model: deps.config.model,
      apiKey: deps.config.stepfunApiKey ?? '',
    },
    logger: deps.logger.child({ component: 'voice' }),
    isOptedOut: (guildId: string, userId: string) => deps.store.isOptedOut(guildId, userId),
    ...extra,
    tuning: {
      playbackFormat: deps.config.playbackFormat,
      opusComplexity: deps.config.opusComplexity,
      ...(extra?.tuning as Partial<VoiceTuning> | undefined),
    },
  });
}

/** Wires discord.js, the interaction router, the voice layer, personas, usage caps and transcripts. */
export async function createBot(o: CreateBotOptions): Promise<Bot> {
  const { config, store } = o;
  // Tests: also capture every log line for the suite's secret scan (no-op in production).
  const logger = withTestCapture(o.logger, {
    discordApiUrl: config.discordApiUrl,
    secrets: [...new Set([config.discordToken, config.stepfunApiKey, ...config.secrets])].filter(
      (s): s is string => !!s,
    ),
  });
  const client = new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildVoiceStates],
    ...o.clientOptions,
    rest: { ...(config.discordApiUrl ? { api: config.discordApiUrl } : {}), ...o.clientOptions?.rest },
  });
  const registry = await PersonaRegistry.load(store, o.personaDir);
  const voice = await (o.createVoice ?? ((d) => defaultVoice(d, o.voiceOptions)))({ config, logger, store });
  const notify = async (_guildId: string, channelId: string, text: string) => {
    const channel = await client.channels.fetch(channelId);
    if (channel?.isSendable()) await channel.send({ content: text, allowedMentions: { parse: [] } });
  };
  const usage = new UsageTracker({
    store,
    voice,
    logger: logger.child({ component: 'usage' }),
    notify,
    ...(o.now ? { now: o.now } : {}),
  });
  const transcripts = new TranscriptPoster({
    store,
    voice,
    logger: logger.child({ component: 'transcripts' }),
    sink: new DiscordTranscriptSink(client, logger.child({ component: 'transcripts' })),
  });
  voice.on('sessionEnded', (e) => {
    // Ended on purpose or not, there is nothing to restore after a restart.
    store.clearVoiceSession(e.guildId, e.channelId);
    logger.info({ guildId: e.guildId, channelId: e.channelId, reason: e.reason }, 'voice session ended');
    if (e.reason === 'error' || e.reason === 'disconnected') {
      notify(
        e.guildId,
        e.channelId,
        `⚠️ The voice session ended (${e.message ?? e.reason}). Use \`/join\` to start again.`,
      ).catch((err: unknown) =>
        logger.warn({ err, guildId: e.guildId }, 'could not post session-ended notice'),
      );
    }
  });
  const ctx: CommandContext = {
    logger: logger.child({ component: 'commands' }),
    store,
    registry,
    voice,
    usage,
    importCard: createCardParser(),
    maxCardBytes: 2 * 1024 * 1024,
    fetch: o.fetch ?? fetch,
  };
  client.on(Events.InteractionCreate, (interaction) => {
    void routeInteraction(ctx, interaction);
  });
  client.on(Events.Error, (err) => logger.error({ err }, 'discord client error'));
  client.on(Events.ShardError, (err, shardId) => logger.error({ err, shardId }, 'gateway shard error'));

  let stopped = false;
  const bot: Bot = {
    client,
    registry,
    voice,
    usage,
    transcripts,
    voiceRestore: undefined,
    async start(token = config.discordToken) {
      if (!token)
        throw new Error(
          'DISCORD_TOKEN is missing — set it in .env (or run `pnpm demo` for the offline demo)',
        );
      const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
      await client.login(token);
      await ready;
      logger.info({ user: client.user?.tag, guilds: client.guilds.cache.size }, 'bot ready');
      // Not awaited: a slow rejoin in one guild must not hold up start-up.
      bot.voiceRestore = restoreVoiceSessions({
        client,
        store,
        registry,
        voice,
        usage,
        logger: logger.child({ component: 'voice-restore' }),
      });
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      // A rejoin still in flight would otherwise reconnect after the leave below.
      await bot.voiceRestore?.catch(() => undefined);
      // Leave every voice channel first so no zombie connection outlives the process.
      await voice.destroyAll().catch((err: unknown) => logger.error({ err }, 'voice shutdown failed'));
      await transcripts.flush().catch((err: unknown) => logger.warn({ err }, 'transcript flush failed'));
      await client.destroy();
    },
  };
  return bot;
}
