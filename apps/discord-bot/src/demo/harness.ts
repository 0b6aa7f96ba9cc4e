// Starts discord-sim + realtime-sim in-process and the real bot (createBot) against them. Shared by
// the demo and the e2e tests so both exercise exactly the production wiring.

import { type InteractionHandle, startDiscordSim } from '@troupe/discord-sim';
import { type SimOptions, startRealtimeSim } from '@troupe/realtime-sim';
import { openStore, type Store } from '@troupe/store';
import { PermissionFlagsBits } from 'discord.js';
import type { Logger } from 'pino';
import { type Bot, type CreateBotOptions, createBot } from '../bot.ts';
import { type BotConfig, parseConfig } from '../config.ts';
import { deployCommands } from '../deploy-commands.ts';

export const APP_ID = '900000000000000001';
export const GUILD_ID = '900000000000000100';
export const OTHER_GUILD_ID = '900000000000000200';
export const VOICE_CHANNEL_ID = '900000000000000110';
export const TEXT_CHANNEL_ID = '900000000000000111';
export const ADMIN_ID = '900000000000001000';
export const ALICE_ID = '900000000000001001';
export const XIAOMING_ID = '900000000000001002';
export const STORYTELLER_ROLE_ID = '900000000000000300';

/** A running emulated world with the bot logged in. */
export interface Harness {
  discord: Awaited<ReturnType<typeof startDiscordSim>>;
  realtime: Awaited<ReturnType<typeof startRealtimeSim>>;
  bot: Bot;
  store: Store;
  config: BotConfig;
  /** Stops the bot (leaving voice), then both simulators. Idempotent. */
  close(opts?: { keepStore?: boolean }): Promise<void>;
}

/** Options for {@link startHarness}. */
export interface HarnessOptions {
  logger: Logger;
  dbPath?: string;
  realtime?: { url: string; apiKey: string; model?: string };
  voiceOptions?: Record<string, unknown>;
  /** Replace the voice layer (tests that exercise only commands). */
  createVoice?: CreateBotOptions['createVoice'];
  /** The second guild's ("Elsewhere") preferred locale (default en-US). */
  otherGuildLocale?: string;
  /** The API key the bot uses for the local model (default: the right one). */
  stepfunApiKey?: string;
  /** Options of the local model (e.g. `sessionCapMs` to force rollovers). */
  realtimeOptions?: SimOptions;
  /** Bot settings beyond the defaults (MODEL_SESSION_LIMIT, SCENE_MAX_CAST, …). */
  config?: Partial<BotConfig>;
}

/** Boots the world: two guilds, one admin, two speakers (English and Chinese), commands registered. */
export async function startHarness(o: HarnessOptions): Promise<Harness> {
  const realtime = await startRealtimeSim({ acceptAnyModel: true, ...o.realtimeOptions });
  const discord = await startDiscordSim({
    applicationId: APP_ID,
    users: [
      { username: 'Admin', id: ADMIN_ID },
      { username: 'Alice', id: ALICE_ID },
      { username: '小明', id: XIAOMING_ID },
    ],
    guilds: [
      {
        id: GUILD_ID,
        name: 'Troupe Tavern',
        roles: [
          { name: 'Admins', permissions: PermissionFlagsBits.ManageGuild },
          { name: 'Storytellers', id: STORYTELLER_ROLE_ID, permissions: 0n },
        ],
        channels: [
          { id: TEXT_CHANNEL_ID, name: 'transcripts', type: 'text' },
          { id: VOICE_CHANNEL_ID, name: 'Tavern', type: 'voice' },
        ],
        members: [{ user: 'Admin', roles: ['Admins'] }, { user: 'Alice' }, { user: '小明' }],
      },
      {
        id: OTHER_GUILD_ID,
        name: 'Elsewhere',
        ...(o.otherGuildLocale ? { preferredLocale: o.otherGuildLocale } : {}),
        roles: [{ name: 'Admins', permissions: PermissionFlagsBits.ManageGuild }],
        channels: [
          { name: 'general', type: 'text' },
          { name: 'Voice', type: 'voice' },
        ],
        members: [{ user: 'Admin', roles: ['Admins'] }],
      },
    ],
  });
  discord.trustCertificate();
  const rt = o.realtime ?? { url: realtime.url, apiKey: realtime.apiKey };
  const config: BotConfig = {
    ...parseConfig({}),
    discordToken: discord.token,
    discordAppId: APP_ID,
    discordApiUrl: discord.restApi,
    stepfunApiKey: o.stepfunApiKey ?? rt.apiKey,
    realtimeUrl: rt.url,
    ...(o.realtime?.model ? { model: o.realtime.model } : {}),
    offlineDemo: !o.realtime,
    ...o.config,
  };
  const store = await openStore({
    sqlitePath: o.dbPath ?? ':memory:',
    defaultSceneRetentionDays: config.sceneMemoryDays,
  });
  const bot = await createBot({
    config,
    logger: o.logger,
    store,
    ...(o.voiceOptions ? { voiceOptions: o.voiceOptions } : {}),
    ...(o.createVoice ? { createVoice: o.createVoice } : {}),
  });
  for (const guildId of [GUILD_ID, OTHER_GUILD_ID]) {
    await deployCommands({ token: discord.token, appId: APP_ID, guildId, api: discord.restApi });
  }
  await bot.start(discord.token);
  let closed = false;
  return {
    discord,
    realtime,
    bot,
    store,
    config,
    async close(opts = {}) {
      if (closed) return;
      closed = true;
      await bot.stop();
      if (!opts.keepStore) await store.close();
      await discord.close();
      await realtime.close();
    },
  };
}

/** What a slash command answered, as the invoking user saw it. */
export interface CommandReply {
  /** Everything the reply shows: its content, then its embeds' titles, descriptions, fields and footers. */
  content: string;
  deferred: boolean;
  ephemeral: boolean;
  /** The interaction, for button clicks on the reply (`h.discord.clickButton(ctx, handle, id)`). */
  handle: InteractionHandle;
}

/** All text a message shows (content and embeds), as a member reads it. */
export function messageText(m: {
  content?: string | undefined;
  embeds?: readonly unknown[] | undefined;
}): string {
  const parts: string[] = m.content ? [m.content] : [];
  for (const raw of m.embeds ?? []) {
    const e = raw as {
      title?: string;
      description?: string;
      fields?: { name: string; value: string }[];
      footer?: { text?: string };
    };
    for (const s of [e.title, e.description]) if (s) parts.push(s);
    for (const f of e.fields ?? []) parts.push(f.name, f.value);
    if (e.footer?.text) parts.push(e.footer.text);
  }
  return parts.join('\n');
}

/**
 * Runs `/name [sub] options` as `user` (username or id) in `guild` and waits for the bot's final
 * (edited) reply. The one place that knows discord-sim's invocation API.
 */
export async function runCommand(
  h: Harness,
  user: string,
  name: string,
  sub?: string,
  options?: Record<string, string | number | boolean>,
  guild: string = GUILD_ID,
  locale?: string,
): Promise<CommandReply> {
  const handle = await h.discord.slash({ user, guild, ...(locale ? { locale } : {}) }, name, {
    ...(sub ? { subcommand: sub } : {}),
    ...(options ? { options } : {}),
  });
  // The final answer: a slow /join may first say "⏳ Joining…" in an earlier edit.
  await handle.waitFor((r) => r.kind === 'edit' && !String(r.data.content).startsWith('⏳'), 15_000);
  return {
    content: messageText(handle.message),
    deferred: handle.deferred,
    ephemeral: handle.ephemeral,
    handle,
  };
}

/** Messages the bot posted publicly (not interaction replies) in `channelId`, as text. */
export function channelMessages(h: Harness, channelId: string): string[] {
  return h.discord.messages
    .filter((m) => m.via === 'channel' && m.channelId === channelId)
    .map((m) => messageText({ content: m.content, embeds: m.body.embeds as unknown[] | undefined }));
}

/** Asks for autocomplete choices for `option` while `user` types `value`. */
export async function runAutocomplete(
  h: Harness,
  user: string,
  name: string,
  option: string,
  value: string,
  sub?: string,
): Promise<{ name: string; value: string }[]> {
  const choices = await h.discord.autocomplete({ user, guild: GUILD_ID }, name, {
    ...(sub ? { subcommand: sub } : {}),
    options: { [option]: value },
    focused: option,
  });
  return choices.map((c) => ({ name: c.name, value: String(c.value) }));
}
