// The real bot (`pnpm start`). Exits with one clear line per problem when the configuration, the
// Opus backend, the database (SQLite file or PostgreSQL), the realtime key/model/voice or the
// Discord token is unusable, and leaves every voice channel on SIGINT/SIGTERM.
import { type BotMetrics, createLogger, startBotMetrics } from '@troupe/discord';
import { checkOpusBackend, opusBackend } from '@troupe/opus';
import type { Store } from '@troupe/store';
import { createBot } from './bot.ts';
import { ConfigError, loadConfig } from './config.ts';
import { explainDiscordError } from './discord-errors.ts';
import { describeProbe, probeConfiguredModel } from './startup-probe.ts';
import { openBotStore, StoreOpenError } from './store-open.ts';

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
    store = await openBotStore(config, logger);
  } catch (err) {
    if (!(err instanceof StoreOpenError)) throw err;
    console.error(`troupe: ${err.message}`);
    return 1;
  }
  logger.info(
    { backend: store.backend, schema: await store.schemaVersion(), host: config.hostId },
    'store open',
  );
  const bot = await createBot({ config, logger, store });
  // One short session with the key, model and the first persona's voice: a bad key, an empty balance
  // or a model StepFun does not offer stops here with one line, not later in every voice channel.
  const voice = [...bot.registry.builtins.values()][0]?.voice;
  const probeResult = await probeConfiguredModel(config, voice);
  const probe = describeProbe(probeResult);
  if (probe.fatal) {
    console.error(`troupe: ${probe.line}`);
    await store.close();
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
        labels: {
          host: config.hostId,
          shards: JSON.stringify(bot.client.options.shards ?? []),
        },
      });
    } catch (err) {
      console.error(`troupe: ${(err as Error).message}`);
      await store.close();
      return 1;
    }
  }
  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'shutting down: leaving voice channels');
    await metrics?.close();
    await bot.stop();
    await store.close();
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
    await store.close();
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
