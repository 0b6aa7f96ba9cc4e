// Troupe as a plugin: mounts its slash commands, voice sessions, transcripts and usage caps onto a
// discord.js Client the host already owns. The host keeps its own commands and listeners; Troupe
// answers only interactions for its own command names and never logs the client in or out.
import { hostname } from 'node:os';
import {
  type Clock,
  monotonicClock,
  personaHints,
  profileForModel,
  type SessionBudget,
  SessionCounter,
  type TransportFactory,
} from '@troupe/realtime-core';
import type { ShardFilter, Store } from '@troupe/store';
import {
  type Client,
  Events,
  GatewayIntentBits,
  type Guild,
  IntentsBitField,
  type Interaction,
} from 'discord.js';
import type { Logger } from 'pino';
import { createAnnouncer, publicEndReason } from './announce.ts';
import type { CommandContext } from './commands/context.ts';
import { commandBodies } from './commands/definitions.ts';
import { GuildDiagnostics } from './commands/diagnostics.ts';
import { COMPONENT_PREFIX, routeInteraction } from './commands/router.ts';
import { type RestoreOutcome, restoreVoiceSessions } from './commands/voice-restore.ts';
import { withTestCapture } from './logger.ts';
import type { SceneMemoryStore } from './memory/scene-memory-store.ts';
import { SCENE_PRUNE_EVERY_MS, sceneMemoryOf } from './memory/store-scene-memory.ts';
import { SessionOwnership } from './ownership/session-ownership.ts';
import { createCardDownloader, type ResolveHost } from './personas/card-download.ts';
import { createCardParser } from './personas/card-parser.ts';
import type { CardSourcePolicy } from './personas/card-source-policy.ts';
import { PersonaRegistry } from './personas/registry.ts';
import { DiscordTranscriptSink } from './transcripts/discord-sink.ts';
import { TranscriptPoster } from './transcripts/transcript-poster.ts';
import { UsageTracker } from './usage/usage-tracker.ts';
import { ChannelManager } from './voice/channel-manager.ts';
import { DEFAULT_MAX_CAST, type VoiceTuning } from './voice/types.ts';
import type { VoiceManagerPort } from './voice-port.ts';

/** Everything Troupe needs from its host. Only `realtime`, `store` and `logger` are required. */
export interface TroupeOptions {
  /** The realtime speech model: endpoint URL (the model goes in `?model=`), model id and API key. */
  realtime: { url: string; model: string; apiKey: string };
  /**
   * Per-guild state: settings, imported personas, usage, opt-outs, voice session leases
   * (`openStore` from @troupe/store: SQLite for one host, PostgreSQL shared by several).
   */
  store: Store;
  /**
   * This host's name in the voice session leases (default: the machine's hostname). Keep it the same
   * across restarts of one host and different between hosts: a restarted host waits for its own old
   * leases to run out, another host's are never touched.
   */
  hostId?: string;
  /**
   * How long a voice session lease lasts without renewal (default 30 s; renewed every third of it).
   * After a crash, the host's guilds can be restored only once their leases ran out.
   */
  voiceLeaseTtlMs?: number;
  /** The guilds this host restores (default: the client's own shards once it is ready). */
  shards?: ShardFilter;
  /** Clock for the lease keepers (tests). */
  clock?: Clock;
  /** A pino logger; Troupe logs through children of it (`component: voice`, `commands`, …). */
  logger: Logger;
  /** Voice pipeline knobs. */
  voice?: {
    /** Opus at the model's 24 kHz mono (default) or resampled to 48 kHz stereo. */
    playbackFormat?: 'mono24k' | 'stereo48k';
    /** Opus encoder complexity 0–10 (default 5). */
    opusComplexity?: number;
    tuning?: Partial<VoiceTuning>;
    /** Replaces the WebSocket transport to the model (tests, proxies). */
    transportFactory?: TransportFactory;
  };
  /** Ensemble scenes: how many characters a channel may hold, and how many model sessions. */
  scenes?: {
    /** Most characters in one channel (default 3). */
    maxCast?: number;
    /** Most of one scene's characters connected at once (default: maxCast). */
    maxLiveSessions?: number;
    /**
     * Model sessions open at once in this process, shared by every server (a one-character channel
     * holds one). Default 5: StepFun's lowest tier allows about 5 concurrent sessions per account.
     */
    sessionLimit?: number;
    /** Replaces the process's session counter (e.g. one shared by several mounts in a process). */
    budget?: SessionBudget;
    /** Days a scene's lines are kept where a server set no retention (default 30). */
    memoryDays?: number;
  };
  /**
   * Where scenes' lines are kept per channel and character (see /privacy). Default: the store's own
   * scene tables, kept `scenes.memoryDays` unless a server sets its own retention.
   */
  sceneMemory?: SceneMemoryStore;
  /** Folder of built-in persona YAML files (default: the personas shipped with this package). */
  personaDir?: string;
  /**
   * Where character cards may be downloaded from (default: Discord's attachment hosts over https,
   * public addresses only). `trustedOrigins` admits an emulator's own origin on loopback.
   */
  cardSources?: Partial<CardSourcePolicy> & { resolve?: ResolveHost };
  /** Wall clock for daily caps (default Date.now). */
  now?: () => number;
  /** Rejoin the channels recorded before a crash once the client is ready (default true). */
  restoreOnReady?: boolean;
  /**
   * Secret values (tokens, keys) in use: with the test-capture switch on and an emulated Discord
   * (`discordApiUrl` on loopback), every line logged is checked for them by the suite's secret scan.
   */
  secrets?: readonly string[];
  discordApiUrl?: string | undefined;
  /**
   * Also answer slash commands Troupe does not own (a command removed but still registered) with
   * "Unknown command, redeploy": for a bot that is Troupe alone. A host with its own commands leaves
   * this off (default).
   */
  answerUnknownCommands?: boolean;
  /** Replaces the voice layer (unit tests of the command layer). */
  createVoice?: (deps: { logger: Logger; store: Store }) => VoiceManagerPort | Promise<VoiceManagerPort>;
}

/** A mounted Troupe. */
export interface TroupeMount {
  registry: PersonaRegistry;
  voice: VoiceManagerPort;
  usage: UsageTracker;
  transcripts: TranscriptPoster;
  /** Troupe's slash-command definitions, to register alongside the host's own (bulk overwrite replaces all). */
  readonly commands: ReturnType<typeof commandBodies>;
  /** True when the interaction is one of Troupe's commands (its autocomplete and buttons included). */
  handles(interaction: Interaction): boolean;
  /** Set once the client is ready: the post-crash voice reconciliation. */
  readonly voiceRestore: Promise<RestoreOutcome[]> | undefined;
  /** Leaves every voice channel, flushes transcripts and removes Troupe's listeners; the client stays up. */
  unmount(): Promise<void>;
}

/** Thrown when the host's client cannot carry Troupe (missing intents). */
export class TroupeMountError extends Error {
  override name = 'TroupeMountError';
}

const REQUIRED_INTENTS: readonly [string, number][] = [
  ['Guilds', GatewayIntentBits.Guilds],
  ['GuildVoiceStates', GatewayIntentBits.GuildVoiceStates],
];

function checkIntents(client: Client): void {
  const intents = new IntentsBitField(client.options.intents);
  const missing = REQUIRED_INTENTS.filter(([, bit]) => !intents.has(bit)).map(([name]) => name);
  if (missing.length > 0)
    throw new TroupeMountError(
      `Troupe needs the ${missing.join(' and ')} gateway intent${missing.length > 1 ? 's' : ''}: add GatewayIntentBits.${missing.join(', GatewayIntentBits.')} to the Client's intents.`,
    );
}

/** StepFun's lowest tier: about 5 concurrent realtime sessions per account. */
export const DEFAULT_SESSION_LIMIT = 5;
/** How long scene lines are kept where a server chose nothing. */
const DEFAULT_MEMORY_DAYS = 30;

/** The shards a ready client runs, as discord.js resolved them (SHARD_IDS/SHARD_COUNT, or 'auto'). */
export function clientShards(client: Client): ShardFilter {
  const ids = client.options.shards;
  const shardIds = Array.isArray(ids) ? [...ids] : [...client.ws.shards.keys()];
  return { shardIds, shardCount: client.options.shardCount ?? Math.max(1, shardIds.length) };
}

function defaultVoice(o: TroupeOptions, logger: Logger, memory: SceneMemoryStore): VoiceManagerPort {
  const s = o.scenes ?? {};
  return new ChannelManager({
    realtime: o.realtime,
    logger: logger.child({ component: 'voice' }),
    isOptedOut: (guildId: string, userId: string) => o.store.isOptedOut(guildId, userId),
    scenes: {
      maxCast: s.maxCast ?? DEFAULT_MAX_CAST,
      ...(s.maxLiveSessions ? { maxLiveSessions: s.maxLiveSessions } : {}),
      budget: s.budget ?? new SessionCounter(s.sessionLimit ?? DEFAULT_SESSION_LIMIT),
    },
    memory,
    ...(o.now ? { now: o.now } : {}),
    ...(o.voice?.transportFactory ? { transportFactory: o.voice.transportFactory } : {}),
    tuning: {
      ...(o.voice?.playbackFormat ? { playbackFormat: o.voice.playbackFormat } : {}),
      ...(o.voice?.opusComplexity === undefined ? {} : { opusComplexity: o.voice.opusComplexity }),
      ...o.voice?.tuning,
    },
  });
}

/** Mounts Troupe onto `client` (before or after it logs in). */
export async function mountTroupe(client: Client, o: TroupeOptions): Promise<TroupeMount> {
  checkIntents(client);
  const { store } = o;
  // Tests: also capture every log line for the suite's secret scan (no-op in production).
  const logger = withTestCapture(o.logger, {
    discordApiUrl: o.discordApiUrl,
    secrets: [...new Set([o.realtime.apiKey, ...(o.secrets ?? [])])].filter((s) => !!s),
  });
  const registry = await PersonaRegistry.load(store, o.personaDir);
  const hostId = o.hostId ?? hostname();
  // A misspelt voice id only fails at the first /join: say so at start, with the likely fix.
  for (const p of registry.builtins.values()) {
    for (const hint of personaHints(p)) logger.warn({ persona: p.id }, `built-in persona: ${hint}`);
  }
  const sceneMemory =
    o.sceneMemory ?? sceneMemoryOf(store, { defaultDays: o.scenes?.memoryDays ?? DEFAULT_MEMORY_DAYS });
  // Lines past each guild's retention go at mount and hourly (the host prunes a memory of its own).
  const prune = () => {
    if (o.sceneMemory) return;
    store
      .pruneSceneLines(Date.now())
      .catch((err: unknown) => logger.warn({ err }, 'could not delete expired scene lines'));
  };
  prune();
  const pruneTimer = setInterval(prune, SCENE_PRUNE_EVERY_MS);
  pruneTimer.unref();
  const voice = await (o.createVoice ?? (() => defaultVoice(o, logger, sceneMemory)))({ logger, store });
  const announce = createAnnouncer(client, logger.child({ component: 'notices' }));
  const now = o.now ?? Date.now;
  const diagnostics = new GuildDiagnostics();
  const ownership = new SessionOwnership({
    store,
    hostId,
    ttlMs: o.voiceLeaseTtlMs ?? 30_000,
    clock: o.clock ?? monotonicClock,
    logger: logger.child({ component: 'ownership', host: hostId }),
    hasSession: (guildId) => voice.get(guildId) !== undefined,
    onLost: (guildId) => {
      void voice
        .leave(guildId, 'lease-lost')
        .catch((err: unknown) =>
          logger.error({ err, guildId }, 'could not stop a session whose lease was lost'),
        );
    },
  });
  const usage = new UsageTracker({
    store,
    voice,
    logger: logger.child({ component: 'usage' }),
    notify: announce,
    now,
  });
  const transcripts = new TranscriptPoster({
    store,
    voice,
    logger: logger.child({ component: 'transcripts' }),
    sink: new DiscordTranscriptSink(client, logger.child({ component: 'transcripts' })),
  });
  // Sessions that got going (and were announced): only those get a public "stopped listening".
  const live = new Map<string, string>();
  const liveKey = (guildId: string, channelId: string) => `${guildId}:${channelId}`;
  voice.on('sessionStarted', (e) => {
    live.set(liveKey(e.guildId, e.channelId), voice.get(e.guildId)?.persona.name ?? '');
  });
  voice.on('sessionEnded', (e) => {
    // Ended on purpose or not, there is nothing to restore after a restart: give the lease up.
    ownership.sessionEnded(e.guildId);
    const key = liveKey(e.guildId, e.channelId);
    const persona = voice.get(e.guildId)?.persona.name ?? (live.get(key) || undefined);
    const wasLive = live.delete(key);
    const fields = {
      guildId: e.guildId,
      channelId: e.channelId,
      reason: e.reason,
      detail: e.detail ?? e.message,
    };
    if (e.reason !== 'error' && e.reason !== 'disconnected') {
      logger.info(fields, 'voice session ended');
      return;
    }
    if (e.reason === 'error') logger.error(fields, 'voice session ended by an error');
    else logger.warn(fields, 'voice session ended: disconnected');
    // The operator's wording (which may say "Check STEPFUN_API_KEY") is for admins: /voice status.
    diagnostics.record(e.guildId, {
      atMs: now(),
      reason: e.reason,
      detail: e.detail ?? e.message ?? e.reason,
    });
    if (!wasLive) return;
    const why = publicEndReason(e);
    announce(e.guildId, e.channelId, (t) =>
      t.t('ended.notice', { persona: persona ?? t.t('ended.someone'), why: t.t(why.key, why.params) }),
    ).catch((err: unknown) =>
      logger.warn({ err, guildId: e.guildId }, 'could not post session-ended notice'),
    );
  });
  const onGuildDelete = (guild: Guild) => {
    // The bot was removed from the server: forget everything stored about it (see /privacy).
    diagnostics.forget(guild.id);
    // The store's own scene lines go with every other table; a scene memory of the host's too.
    if (o.sceneMemory)
      o.sceneMemory
        .forgetGuild(guild.id)
        .catch((err: unknown) =>
          logger.warn({ err, guildId: guild.id }, 'could not erase the server’s scene memory'),
        );
    store.forgetGuild(guild.id).then(
      () => logger.info({ guildId: guild.id }, 'removed from a server: its stored data was deleted'),
      (err: unknown) =>
        logger.error(
          { err, guildId: guild.id },
          'removed from a server, but its stored data could not be deleted',
        ),
    );
  };
  client.on(Events.GuildDelete, onGuildDelete);
  voice.on('sessionMoved', (e) => {
    // A restart rejoins where the bot is now, not where /join put it.
    if (voice.get(e.guildId)) void ownership.record(e.guildId, { channelId: e.channelId });
  });
  const { resolve: cardResolve, ...cardPolicy } = o.cardSources ?? {};
  const ctx: CommandContext = {
    logger: logger.child({ component: 'commands' }),
    store,
    registry,
    voice,
    usage,
    ownership,
    vadSpec: profileForModel(o.realtime.model).vad,
    importCard: createCardParser(),
    voiceCatalogue: profileForModel(o.realtime.model).voices,
    maxCardBytes: 2 * 1024 * 1024,
    announce,
    pendingJoins: new Map(),
    diagnostics,
    now,
    downloadCard: createCardDownloader(cardPolicy, cardResolve),
    sceneMemory,
  };
  const commands = commandBodies();
  const names = new Set(commands.map((c) => c.name));
  const handles = (i: Interaction) =>
    ((i.isChatInputCommand() || i.isAutocomplete()) &&
      (names.has(i.commandName) || !!o.answerUnknownCommands)) ||
    (i.isButton() && i.customId.startsWith(COMPONENT_PREFIX));
  const onInteraction = (interaction: Interaction) => {
    if (handles(interaction)) void routeInteraction(ctx, interaction);
  };
  client.on(Events.InteractionCreate, onInteraction);

  let voiceRestore: Promise<RestoreOutcome[]> | undefined;
  const restore = () => {
    if (o.restoreOnReady === false || voiceRestore) return;
    // Not awaited by anyone on the ready path: a slow rejoin in one guild must not hold up start-up.
    voiceRestore = restoreVoiceSessions({
      client,
      store,
      ownership,
      shards: o.shards ?? clientShards(client),
      registry,
      voice,
      usage,
      announce,
      sceneMemory,
      logger: logger.child({ component: 'voice-restore' }),
    });
  };
  if (client.isReady()) restore();
  else client.once(Events.ClientReady, restore);

  let unmounted = false;
  return {
    registry,
    voice,
    usage,
    transcripts,
    commands,
    handles,
    get voiceRestore() {
      return voiceRestore;
    },
    async unmount() {
      if (unmounted) return;
      unmounted = true;
      clearInterval(pruneTimer);
      client.off(Events.InteractionCreate, onInteraction);
      client.off(Events.ClientReady, restore);
      client.off(Events.GuildDelete, onGuildDelete);
      // A rejoin still in flight would otherwise reconnect after the leave below.
      await voiceRestore?.catch(() => undefined);
      // Leave every voice channel first so no zombie connection outlives the host.
      await voice.destroyAll().catch((err: unknown) => logger.error({ err }, 'voice shutdown failed'));
      // Then nothing is left to restore: every lease is released, every metered second written.
      await ownership.close();
      await usage.close();
      await transcripts.flush().catch((err: unknown) => logger.warn({ err }, 'transcript flush failed'));
    },
  };
}
