// Registers the slash commands (bulk overwrite). With DISCORD_GUILD_ID: that guild only (instant,
// for development); otherwise globally (release). Run: `pnpm deploy-commands`.

import { commandBodies } from '@troupe/discord';
import { REST, Routes } from 'discord.js';
import { ConfigError, loadConfig } from './config.ts';

/** Registers every command; returns how many were registered and where. */
export async function deployCommands(opts: {
  token: string;
  appId: string;
  guildId?: string | undefined;
  api?: string | undefined;
}): Promise<{ count: number; scope: string }> {
  const rest = new REST(opts.api ? { api: opts.api } : {}).setToken(opts.token);
  const body = commandBodies();
  const route = opts.guildId
    ? Routes.applicationGuildCommands(opts.appId, opts.guildId)
    : Routes.applicationCommands(opts.appId);
  const result = (await rest.put(route, { body })) as unknown[];
  return { count: result.length, scope: opts.guildId ? `guild ${opts.guildId}` : 'global' };
}

if (import.meta.main) {
  try {
    const config = loadConfig();
    if (!config.discordToken || !config.discordAppId) {
      console.error(
        'troupe: DISCORD_TOKEN and DISCORD_APP_ID are required to deploy commands — set them in .env',
      );
      process.exit(1);
    }
    const { count, scope } = await deployCommands({
      token: config.discordToken,
      appId: config.discordAppId,
      guildId: config.discordGuildId,
      api: config.discordApiUrl,
    });
    console.log(`Registered ${count} commands (${scope}).`);
  } catch (err) {
    if (err instanceof ConfigError) for (const p of err.problems) console.error(`troupe: ${p}`);
    else console.error(`troupe: command deploy failed — ${(err as Error).message}`);
    process.exit(1);
  }
}
