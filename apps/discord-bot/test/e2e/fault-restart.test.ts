// Issue 7: the real bot (`node src/main.ts`) in a child process, SIGKILLed mid-conversation while
// in voice in two guilds, then started again on the same SQLite file.
//
// Defined behaviour after a crash (packages/discord/src/commands/voice-restore.ts): settings, imported personas,
// opt-outs and usage counters are intact (only the usage of the reply cut off by the crash is
// lost); a guild whose recorded channel still has people gets exactly one rejoin with the
// recorded persona; a guild whose channel emptied meanwhile gets its stale voice state cleared.
// The emulator never shows more than one voice connection per guild. A clean SIGTERM then leaves
// every channel and leaves nothing to restore.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { type DiscordSim, fixturePath, type SlashInvocation, startDiscordSim } from '@troupe/discord-sim';
import { type RealtimeSim, startRealtimeSim } from '@troupe/realtime-sim';
import { PermissionFlagsBits } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageText } from '../../src/demo/harness.ts';
import { deployCommands } from '../../src/deploy-commands.ts';
import { type BotProcess, killAll, spawnBot } from './bot-process.ts';
import { APP_ID, FAULT_API_KEY, FAULT_TOKEN, faultGuild } from './fault-world.ts';

const g0 = faultGuild(0);
const g1 = faultGuild(1);
const dir = mkdtempSync(join(tmpdir(), 'troupe-restart-'));
const dbPath = join(dir, 'troupe.sqlite');

let discord: DiscordSim;
let realtime: RealtimeSim;
const children: ChildProcess[] = [];

beforeAll(async () => {
  const spec = (g: typeof g0, voiceUsers: string[], others: string[]) => ({
    id: g.id,
    name: g.name,
    roles: [{ name: 'Admins', permissions: PermissionFlagsBits.ManageGuild }],
    channels: [
      { id: g.textId, name: `text-${g.index}`, type: 'text' as const },
      { id: g.voiceId, name: `voice-${g.index}`, type: 'voice' as const },
    ],
    members: [
      { user: 'Owner' },
      { user: 'Admin', roles: ['Admins'] },
      ...voiceUsers.map((user) => ({ user, voiceChannel: `voice-${g.index}` })),
      ...others.map((user) => ({ user })),
    ],
  });
  discord = await startDiscordSim({
    applicationId: APP_ID,
    token: FAULT_TOKEN,
    users: [{ username: 'Owner' }, { username: 'Admin' }, { username: 'Pleb' }, { username: 'Teller' }],
    guilds: [spec(g0, ['Pleb', 'Teller'], []), spec(g1, [], ['Teller'])],
  });
  // Slow enough replies that the crash lands in the middle of one.
  realtime = await startRealtimeSim({ apiKey: FAULT_API_KEY, acceptAnyModel: true, speed: 1, replyMs: 4000 });
  for (const g of [g0, g1])
    await deployCommands({ token: FAULT_TOKEN, appId: APP_ID, guildId: g.id, api: discord.restApi });
  writeFileSync(join(dir, 'sim-ca.pem'), discord.certificatePem);
}, 30_000);

afterAll(async () => {
  killAll(children);
  await discord?.close();
  await realtime?.close();
  rmSync(dir, { recursive: true, force: true });
});

function startBot(n: number): BotProcess {
  return spawnBot({
    name: String(n),
    fallbackCaptureDir: dir,
    children,
    env: {
      NODE_EXTRA_CA_CERTS: join(dir, 'sim-ca.pem'),
      DISCORD_TOKEN: FAULT_TOKEN,
      DISCORD_APP_ID: APP_ID,
      DISCORD_API_URL: discord.restApi,
      STEPFUN_API_KEY: FAULT_API_KEY,
      STEPFUN_REALTIME_URL: realtime.url,
      TROUPE_DB_PATH: dbPath,
      // A crashed host's leases must run out before it restores them: keep the wait short here.
      VOICE_LEASE_TTL_MS: '3000',
      LOG_LEVEL: 'debug',
    },
  });
}

async function slash(
  guild: string,
  user: string,
  name: string,
  sub?: string,
  options?: Record<string, string | number | boolean>,
  attachments?: SlashInvocation['attachments'],
) {
  const h = await discord.slash({ user, guild }, name, {
    ...(sub ? { subcommand: sub } : {}),
    ...(options ? { options } : {}),
    ...(attachments ? { attachments } : {}),
  });
  await h.edited(1, 20_000);
  return messageText(h.message);
}

/** Reads the bot's SQLite file from outside, read-only, while the bot may be running. */
function readDb<T>(query: string, ...params: string[]): T[] {
  const db = new DatabaseSync(dbPath, { readOnly: true });
  try {
    return db.prepare(query).all(...params) as T[];
  } finally {
    db.close();
  }
}
const usageMs = (guildId: string) =>
  readDb<{ t: number }>(
    'SELECT SUM(input_audio_ms + output_audio_ms) AS t FROM usage_daily WHERE guild_id = ?',
    guildId,
  )[0]?.t ?? 0;
const botVoiceChannel = (guildId: string) =>
  discord.world.guild(guildId).voiceStates.get(discord.botUserId)?.channelId;
const voiceReady = (guildId: string) => {
  const s = discord.botVoice(guildId);
  return !!s?.key && s.ws?.readyState === 1;
};

const card = Buffer.from(
  JSON.stringify({
    spec: 'chara_card_v2',
    data: { name: 'Ferryman', description: 'Rows the river.', first_mes: 'Aboard!' },
  }),
);

describe('SIGKILL mid-conversation, then restart on the same SQLite file', () => {
  let preKillUsage = 0;

  it('runs the bot in a child process, configured and talking in two guilds', async () => {
    const bot = startBot(1);
    await bot.waitFor(/"msg":"bot ready"/);
    expect(await slash(g0.id, 'Admin', 'settings', 'cap', { minutes: 600 })).toContain('600 min');
    expect(await slash(g0.id, 'Admin', 'settings', 'default-persona', { persona: 'shuoshu-ren' })).toContain(
      'Saved',
    );
    expect(
      await slash(g0.id, 'Admin', 'persona', 'import', undefined, {
        card: discord.attachment('ferry.json', card, 'application/json'),
      }),
    ).toContain('`ferryman`');
    expect(await slash(g0.id, 'Teller', 'voice', 'optout')).toContain('will not be sent');
    expect(
      await slash(g0.id, 'Admin', 'join', undefined, { channel: g0.voiceId, persona: 'ferryman' }),
    ).toContain('joined');
    discord.joinVoice('Teller', g1.voiceId);
    expect(await slash(g1.id, 'Admin', 'join', undefined, { channel: g1.voiceId })).toContain('joined');
    // The greeting's usage is written when its reply is done.
    await expect.poll(() => usageMs(g0.id), { timeout: 20_000, interval: 200 }).toBeGreaterThan(0);
    expect(
      readDb<{ guild_id: string }>('SELECT guild_id FROM voice_sessions ORDER BY guild_id').map(
        (r) => r.guild_id,
      ),
    ).toEqual([g0.id, g1.id]);
    expect(discord.openVoiceSockets()).toBe(2);

    // Mid-conversation: Pleb speaks, and the bot dies while its reply is streaming.
    const before = realtime.responses.length;
    await discord.speak('Pleb', fixturePath('en-alice'));
    await realtime.waitFor(
      () =>
        realtime.responses.slice(before).find((r) => r.labels.includes('Pleb') && r.status === 'in_progress'),
      15_000,
    );
    preKillUsage = usageMs(g0.id);
    bot.child.kill('SIGKILL');
    expect((await bot.exited).signal).toBe('SIGKILL');
  }, 30_000);

  it('leaves the emulator with dead sockets and a stale voice state, like Discord after a crash', async () => {
    await discord.until(() => discord.openVoiceSockets() === 0, 10_000);
    expect(botVoiceChannel(g0.id)).toBe(g0.voiceId);
    expect(botVoiceChannel(g1.id)).toBe(g1.voiceId);
    // While the bot is down, the only person in guild 1's channel leaves.
    discord.leaveVoice('Teller');
  });

  it('on restart: rejoins guild 0 exactly once with the recorded persona, clears guild 1', async () => {
    const op4Before = discord.faults.voiceStateUpdates;
    const identifiesBefore = discord.stats.voice.identifies;
    const bot = startBot(2);
    await bot.waitFor(/"msg":"voice sessions reconciled"/, 25_000);
    await discord.until(() => voiceReady(g0.id) && botVoiceChannel(g1.id) === undefined, 10_000);
    expect(botVoiceChannel(g0.id)).toBe(g0.voiceId);
    expect(discord.openVoiceSockets()).toBe(1);
    expect(discord.stats.voice.identifies - identifiesBefore).toBe(1);
    expect(discord.faults.voiceStateUpdates - op4Before).toBe(2);
    // No rejoin storm: a moment later it is still one connection, and no more op 4s.
    await new Promise((r) => setTimeout(r, 1500));
    expect(discord.openVoiceSockets()).toBe(1);
    expect(discord.faults.voiceStateUpdates - op4Before).toBe(2);
    expect(await slash(g0.id, 'Admin', 'voice', 'status')).toMatch(/Ferryman is listening\n<#/);
    // The channel was told again that an AI is listening; the emptied guild got no notice.
    const chat = (channelId: string) =>
      discord.messages.filter((m) => m.via === 'channel' && m.channelId === channelId).map((m) => m.content);
    expect(chat(g0.voiceId).filter((c) => /is back and listening/.test(c ?? ''))).toHaveLength(1);
    expect(chat(g1.voiceId).filter((c) => /is back and listening/.test(c ?? ''))).toHaveLength(0);
    expect(await slash(g1.id, 'Admin', 'voice', 'status')).toMatch(/No active voice session/);

    // Everything else survived the crash.
    const settings = await slash(g0.id, 'Admin', 'settings', 'show');
    expect(settings).toContain('Daily cap: 600 min');
    expect(settings).toContain('`shuoshu-ren`');
    expect(await slash(g0.id, 'Admin', 'persona', 'list')).toContain('`ferryman`');
    expect(
      readDb(
        'SELECT 1 FROM user_optout WHERE guild_id = ? AND user_id = ?',
        g0.id,
        discord.user('Teller').id,
      ),
    ).toHaveLength(1);
    expect(usageMs(g0.id)).toBeGreaterThanOrEqual(preKillUsage);
    expect(await slash(g0.id, 'Admin', 'voice', 'status')).toMatch(/Today\n\d+\.\d of 600 min used/);
    expect(
      readDb<{ guild_id: string }>('SELECT guild_id FROM voice_sessions').map((r) => r.guild_id),
    ).toEqual([g0.id]);

    // A clean stop leaves the channel and leaves nothing to restore.
    bot.child.kill('SIGTERM');
    expect((await bot.exited).code).toBe(0);
    await discord.until(
      () => discord.openVoiceSockets() === 0 && botVoiceChannel(g0.id) === undefined,
      10_000,
    );
    expect(readDb('SELECT 1 FROM voice_sessions')).toEqual([]);
    expect(bot.lines.filter((l) => /"level":(50|60)/.test(l))).toEqual([]);
  }, 40_000);
});
