// The real bot (`pnpm start`). Exits with one clear line per problem when the configuration, the
// Opus backend, the database, the realtime key/model/voice or the Discord token is unusable, and
// leaves every voice channel on SIGINT/SIGTERM.
import { type BotMetrics, createLogger, Store, StoreOpenError, startBotMetrics } from '@troupe/discord';
import { checkOpusBackend, opusBackend } from '@troupe/opus';
import { createBot } from './bot.ts';
import { ConfigError, loadConfig } from './config.ts';
import { explainDiscordError } from './discord-errors.ts';
import { openSceneMemory, type SceneMemory } from './scene-memory.ts';
import { describeProbe, probeConfiguredModel } from './startup-probe.ts';

async function main(): Promise<number> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig({ requireCredentials: true });
  } catch (err) {
    if (err instanceof ConfigError) {
      for (const p of err.problems) console.error(`troupe: ${p}`);
      console.error('troupe: see .env.example; without credentials, run `pnpm demo` for the offline demo.');
      return 1;
    }
    throw err;
  }
  const logger = createLogger({ level: config.logLevel, secrets: config.secrets, format: config.logFormat });
  try {
    checkOpusBackend();
    logger.info({ opus: opusBackend() }, 'opus backend ok');
  } catch (err) {
    console.error(`troupe: Opus backend unusable — ${(err as Error).message}`);
    return 1;
  }
  let store: Store;
  try {
    store = new Store(config.dbPath);
  } catch (err) {
    if (!(err instanceof StoreOpenError)) throw err;
    console.error(`troupe: ${err.message}`);
    return 1;
  }
  let memory: SceneMemory;
  try {
    memory = await openSceneMemory(config.dbPath, {
      defaultDays: config.sceneMemoryDays,
      onPruneError: (err) => logger.warn({ err }, 'could not delete expired scene lines'),
    });
  } catch (err) {
    console.error(`troupe: database ${config.dbPath} cannot hold scene memory — ${(err as Error).message}`);
    store.close();
    return 1;
  }
  const closeStores = async () => {
    await memory.close();
    store.close();
  };
  const bot = await createBot({ config, logger, store, sceneMemory: memory.memory });
  // One short session with the key, model and the first persona's voice: a bad key, an empty balance
  // or a model StepFun does not offer stops here with one line, not later in every voice channel.
  const voice = [...bot.registry.builtins.values()][0]?.voice;
  const probeResult = await probeConfiguredModel(config, voice);
  const probe = describeProbe(probeResult);
  if (probe.fatal) {
    console.error(`troupe: ${probe.line}`);
    await closeStores();
    return 1;
  }
  if (probeResult.ok) {
    logger.info({ model: probeResult.model }, probe.line);
    for (const warning of probeResult.warnings) logger.warn({}, warning);
  } else
    logger.warn({ failure: probeResult.failure }, `realtime check failed; starting anyway: ${probe.line}`);
  let metrics: BotMetrics | undefined;
  if (config.metricsPort !== undefined) {
    try {
      metrics = await startBotMetrics({
        voice: bot.voice,
        port: config.metricsPort,
        host: config.metricsHost,
        logger,
      });
    } catch (err) {
      console.error(`troupe: ${(err as Error).message}`);
      await closeStores();
      return 1;
    }
  }
  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'shutting down: leaving voice channels');
    await metrics?.close();
    await bot.stop();
    await closeStores();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('unhandledRejection', (err) => logger.error({ err }, 'unhandled rejection'));
  try {
    await bot.start();
  } catch (err) {
    logger.fatal({ err }, 'login failed');
    console.error(`troupe: ${explainDiscordError(err, 'login')}`);
    await bot.stop().catch(() => undefined);
    await closeStores();
    return 1;
  }
  return 0;
}

main().then(
  (code) => {
    if (code !== 0) process.exit(code);
  },
  (err: unknown) => {
    console.error(`troupe: start-up failed — ${(err as Error).message}`);
    process.exit(1);
  },
);
