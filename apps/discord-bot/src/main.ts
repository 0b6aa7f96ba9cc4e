// The real bot (`pnpm start`). Exits with one clear line per problem when the configuration or the
// Opus backend is unusable, and leaves every voice channel on SIGINT/SIGTERM.

import { type BotMetrics, createLogger, Store, startBotMetrics } from '@troupe/discord';
import { checkOpusBackend, opusBackend } from '@troupe/opus';
import { createBot } from './bot.ts';
import { ConfigError, loadConfig } from './config.ts';

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
  const logger = createLogger({ level: config.logLevel, secrets: config.secrets });
  try {
    checkOpusBackend();
    logger.info({ opus: opusBackend() }, 'opus backend ok');
  } catch (err) {
    console.error(`troupe: Opus backend unusable — ${(err as Error).message}`);
    return 1;
  }
  const store = new Store(config.dbPath);
  const bot = await createBot({ config, logger, store });
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
      store.close();
      return 1;
    }
  }
  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'shutting down: leaving voice channels');
    await metrics?.close();
    await bot.stop();
    store.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('unhandledRejection', (err) => logger.error({ err }, 'unhandled rejection'));
  await bot.start();
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
