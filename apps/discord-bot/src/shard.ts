// Runs the bot under discord.js's ShardingManager. SHARD_COUNT is the total across all hosts and
// SHARD_IDS the range this host runs (e.g. host A: SHARD_IDS=0-3, host B: SHARD_IDS=4-7, both SHARD_COUNT=8).
import { resolve } from 'node:path';
import { createLogger } from '@troupe/discord';
import { ShardingManager } from 'discord.js';
import { ConfigError, loadConfig } from './config.ts';

try {
  const config = loadConfig({ requireCredentials: true });
  const logger = createLogger({ level: config.logLevel, secrets: config.secrets });
  const manager = new ShardingManager(resolve(import.meta.dirname, 'main.ts'), {
    ...(config.discordToken ? { token: config.discordToken } : {}),
    totalShards: config.shardCount ?? 'auto',
    ...(config.shardIds ? { shardList: config.shardIds } : {}),
    execArgv: process.execArgv,
  });
  manager.on('shardCreate', (shard) => logger.info({ shardId: shard.id }, 'shard launched'));
  await manager.spawn();
} catch (err) {
  if (err instanceof ConfigError) for (const p of err.problems) console.error(`troupe: ${p}`);
  else console.error(`troupe: sharding failed — ${(err as Error).message}`);
  process.exit(1);
}
