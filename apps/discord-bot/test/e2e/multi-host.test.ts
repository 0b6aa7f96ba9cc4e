// Issue 17: the bot on two hosts. Two runner processes (`node src/main.ts`, as `pnpm start` runs it)
// with different SHARD_IDS share one real PostgreSQL and one emulated Discord with two shards.
//
//   1. SHARD_COUNT=2: host A runs shard 0 (guild X), host B shard 1 (guild Y). Settings, VAD and an
//      opt-out are written through A; each host runs its own guild's voice session.
//   2. A is SIGKILLed: B's session goes on untouched. A comes back, waits for its old lease to run
//      out (VOICE_LEASE_TTL_MS, short here) and restores X once.
//   3. Re-shard to SHARD_COUNT=4 (A: 0-1, B: 2-3): X moves to B, which honours what A wrote —
//      settings, the guild's VAD in the model session, the opt-out on the audio path.
//   4. A stale host still on the old SHARD_COUNT also receives X: it finds B's live lease and
//      leaves X alone (no rejoin, its voice state untouched).
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DiscordSim, fixturePath, startDiscordSim } from '@troupe/discord-sim';
import { type RealtimeSim, startRealtimeSim } from '@troupe/realtime-sim';
import { openStore, type Store } from '@troupe/store';
import { createTestDatabase } from '@troupe/store/testing';
import { PermissionFlagsBits } from 'discord.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { messageText } from '../../src/demo/harness.ts';
import { deployCommands } from '../../src/deploy-commands.ts';
import { type BotProcess, killAll, spawnBot } from './bot-process.ts';
import { APP_ID, FAULT_API_KEY, FAULT_TOKEN } from './fault-world.ts';

/** Snowflakes by timestamp: X is shard 0 of 2 and shard 2 of 4; Y shard 1 of 2 and shard 1 of 4. */
const snowflake = (ts: bigint, n: bigint) => String((ts << 22n) + n);
const X = {
  id: snowflake(2_000_002n, 1n),
  text: snowflake(2_000_002n, 2n),
  voice: snowflake(2_000_002n, 3n),
};
const Y = {
  id: snowflake(2_000_001n, 1n),
  text: snowflake(2_000_001n, 2n),
  voice: snowflake(2_000_001n, 3n),
};
const host = (shards: string) => `${hostname()}#shards-${shards}`;
// Long enough that a host restarted at once finds its old lease still live, short enough to wait for.
const TTL_MS = 10_000;

const dir = mkdtempSync(join(tmpdir(), 'troupe-multihost-'));
const children: ChildProcess[] = [];
let discord: DiscordSim;
let realtime: RealtimeSim;
let databaseUrl: string;
let store: Store;

beforeAll(async () => {
  databaseUrl = await createTestDatabase(inject('postgresUrl'), 'multihost');
  const guild = (g: typeof X, name: string, inVoice: string[]) => ({
    id: g.id,
    name,
    roles: [{ name: 'Admins', permissions: PermissionFlagsBits.ManageGuild }],
    channels: [
      { id: g.text, name: `${name}-text`, type: 'text' as const },
      { id: g.voice, name: `${name}-voice`, type: 'voice' as const },
    ],
    members: [
      { user: 'Admin', roles: ['Admins'] },
      ...inVoice.map((user) => ({ user, voiceChannel: `${name}-voice` })),
    ],
  });
  discord = await startDiscordSim({
    applicationId: APP_ID,
    token: FAULT_TOKEN,
    shards: 2,
    // Two shards in one process identify at once (Discord grants larger bots such a bucket).
    maxConcurrency: 4,
    users: [{ username: 'Admin' }, { username: 'Pleb' }, { username: 'Teller' }, { username: 'Bard' }],
    guilds: [guild(X, 'x', ['Pleb', 'Teller']), guild(Y, 'y', ['Bard'])],
  });
  realtime = await startRealtimeSim({ apiKey: FAULT_API_KEY, acceptAnyModel: true, speed: 8 });
  for (const g of [X, Y])
    await deployCommands({ token: FAULT_TOKEN, appId: APP_ID, guildId: g.id, api: discord.restApi });
  writeFileSync(join(dir, 'sim-ca.pem'), discord.certificatePem);
  store = await openStore({ databaseUrl });
}, 60_000);

afterAll(async () => {
  killAll(children);
  await store?.close();
  await discord?.close();
  await realtime?.close();
  rmSync(dir, { recursive: true, force: true });
});

function startHost(name: string, shardIds: string, shardCount: number, metricsPort?: number): BotProcess {
  return spawnBot({
    name,
    fallbackCaptureDir: dir,
    children,
    env: {
      TROUPE_ENV_FILE: 'none',
      NODE_EXTRA_CA_CERTS: join(dir, 'sim-ca.pem'),
      DISCORD_TOKEN: FAULT_TOKEN,
      DISCORD_APP_ID: APP_ID,
      DISCORD_API_URL: discord.restApi,
      STEPFUN_API_KEY: FAULT_API_KEY,
      STEPFUN_REALTIME_URL: realtime.url,
      DATABASE_URL: databaseUrl,
      SHARD_IDS: shardIds,
      SHARD_COUNT: String(shardCount),
      VOICE_LEASE_TTL_MS: String(TTL_MS),
      LOG_LEVEL: 'debug',
      ...(metricsPort ? { METRICS_PORT: String(metricsPort) } : {}),
    },
  });
}

async function slash(
  guild: string,
  user: string,
  name: string,
  sub?: string,
  options?: Record<string, unknown>,
) {
  const h = await discord.slash({ user, guild }, name, {
    ...(sub ? { subcommand: sub } : {}),
    ...(options ? { options: options as Record<string, string | number | boolean> } : {}),
  });
  await h.edited(1, 20_000);
  return messageText(h.message);
}

const voiceReady = (guildId: string) => {
  const s = discord.botVoice(guildId);
  return !!s?.key && s.ws?.readyState === 1;
};
const owners = async () =>
  Object.fromEntries((await store.listVoiceSessions()).map((s) => [s.guildId, s.ownerHostId]));
const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
/** A reply to `user` in the realtime log after index `from`. */
const replyTo = (user: string, from: number) =>
  realtime.waitFor(() => realtime.responses.slice(from).find((r) => r.labels.includes(user)), 20_000);

describe('two hosts, one PostgreSQL, one sharded Discord', () => {
  let a: BotProcess;
  let b: BotProcess;

  it('runs each guild on the host of its shard, with state written through either', async () => {
    const metricsA = await freePort();
    a = startHost('A', '0', 2, metricsA);
    b = startHost('B', '1', 2);
    expect(await a.waitFor(/"msg":"bot ready"/)).toMatch(/"guilds":1,.*"shards":\[0\],"shardCount":2/);
    expect(await b.waitFor(/"msg":"bot ready"/)).toMatch(/"guilds":1,.*"shards":\[1\],"shardCount":2/);
    // Interactions reach the process whose shard holds the guild: X is A's.
    expect(await slash(X.id, 'Admin', 'settings', 'cap', { minutes: 600 })).toContain('600 min');
    expect(await slash(X.id, 'Admin', 'settings', 'vad', { 'silence-ms': 900, energy: 0.3 })).toContain(
      'turn-ending silence 900 ms',
    );
    expect(await slash(X.id, 'Teller', 'voice', 'optout')).toContain('will not be sent');
    expect(await slash(X.id, 'Admin', 'join', undefined, { channel: X.voice })).toContain('joined');
    expect(await slash(Y.id, 'Admin', 'join', undefined, { channel: Y.voice })).toContain('joined');
    await discord.until(() => voiceReady(X.id) && voiceReady(Y.id), 15_000);
    expect(await owners()).toEqual({ [X.id]: host('0'), [Y.id]: host('1') });
    // Each process serves its own metrics, labelled with its host and shards.
    const metrics = await (await fetch(`http://127.0.0.1:${metricsA}/metrics`)).text();
    expect(metrics.split('\n')).toContain(`troupe_active_sessions{host="${host('0')}",shards="[0]"} 1`);
  }, 60_000);

  it('keeps B’s session untouched when A is SIGKILLed, and restores A’s guild when A returns', async () => {
    const identifiesBefore = discord.stats.voice.identifies;
    a.child.kill('SIGKILL');
    expect((await a.exited).signal).toBe('SIGKILL');
    await discord.until(() => !voiceReady(X.id), 10_000);
    // Restarted at once: X's lease is still A's own, so A waits for it to run out (at most one
    // ttl) instead of being refused, then rejoins.
    a = startHost('A', '0', 2);
    // Meanwhile B goes on: its voice socket is the same, and Bard still gets answers.
    expect(voiceReady(Y.id)).toBe(true);
    const before = realtime.responses.length;
    await discord.speak('Bard', fixturePath('en-alice'));
    await replyTo('Bard', before);
    expect(b.lines.filter((l) => /"msg":"voice session (ended|lease)/.test(l))).toEqual([]);
    await a.waitFor(/waiting for this host's lease from before the restart to run out/, 20_000);
    expect(await a.waitFor(/"msg":"voice sessions reconciled"/, 25_000)).toMatch(
      /"rejoined":1,"left":0,"skipped":0/,
    );
    await discord.until(() => voiceReady(X.id), 10_000);
    expect(discord.stats.voice.identifies - identifiesBefore).toBe(1);
    expect(voiceReady(Y.id)).toBe(true);
    expect(await owners()).toEqual({ [X.id]: host('0'), [Y.id]: host('1') });
  }, 60_000);

  it('after a re-shard, the guild’s new host honours the settings, VAD and opt-out written through the old one', async () => {
    a.child.kill('SIGTERM');
    b.child.kill('SIGTERM');
    expect([(await a.exited).code, (await b.exited).code]).toEqual([0, 0]);
    // A clean stop leaves the channels and gives up the leases: nothing waits to be restored.
    expect(await store.listVoiceSessions()).toEqual([]);
    a = startHost('A', '0-1', 4);
    b = startHost('B', '2-3', 4);
    expect(await a.waitFor(/"msg":"bot ready"/)).toMatch(/"shards":\[0,1\],"shardCount":4/);
    expect(await b.waitFor(/"msg":"bot ready"/)).toMatch(/"shards":\[2,3\],"shardCount":4/);
    // X is B's now.
    const settings = await slash(X.id, 'Admin', 'settings', 'show');
    expect(settings).toContain('Daily cap: 600 min');
    expect(settings).toContain(
      'turn-ending silence 900 ms · padding before speech default · energy threshold 0.3',
    );
    const sessionsBefore = realtime.sessions.length;
    expect(await slash(X.id, 'Admin', 'join', undefined, { channel: X.voice })).toContain('joined');
    await discord.until(() => voiceReady(X.id), 15_000);
    expect(await owners()).toEqual({ [X.id]: host('2-3') });
    const [session] = realtime.sessions.slice(sessionsBefore);
    expect(session?.config.turn_detection).toMatchObject({
      silence_duration_ms: 900,
      energy_awakeness_threshold: 1500,
    });
    // The opt-out A stored holds on B's audio path: Teller first, then Pleb; only Pleb is answered.
    const before = realtime.responses.length;
    await discord.speak('Teller', fixturePath('en-alice'));
    await discord.speak('Pleb', fixturePath('en-alice'));
    await replyTo('Pleb', before);
    expect(realtime.responses.filter((r) => r.labels.includes('Teller'))).toEqual([]);
  }, 60_000);

  it('a stale host on the old SHARD_COUNT also gets X, finds B’s lease and leaves X alone', async () => {
    const identifiesBefore = discord.stats.voice.identifies;
    const stale = startHost('C', '0', 2);
    const skipped = await stale.waitFor(/not restoring: another host holds/, 20_000);
    expect(skipped).toContain(`"holder":"${host('2-3')}"`);
    expect(await stale.waitFor(/"msg":"voice sessions reconciled"/)).toMatch(
      /"rejoined":0,"left":0,"skipped":1/,
    );
    expect(voiceReady(X.id)).toBe(true);
    expect(discord.stats.voice.identifies).toBe(identifiesBefore);
    expect(await owners()).toEqual({ [X.id]: host('2-3') });
    stale.child.kill('SIGTERM');
    expect((await stale.exited).code).toBe(0);
    for (const p of [a, b]) p.child.kill('SIGTERM');
    expect([(await a.exited).code, (await b.exited).code]).toEqual([0, 0]);
    for (const p of [a, b, stale]) expect(p.lines.filter((l) => /"level":(50|60)/.test(l))).toEqual([]);
  }, 40_000);
});
