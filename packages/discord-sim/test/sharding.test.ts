// Gateway sharding as Discord documents it (https://discord.com/developers/docs/events/gateway#sharding):
// the real discord.js client running shards of one bot in separate clients, and raw Identify
// payloads for what a client library would never send.

import { Client, Events, GatewayIntentBits } from 'discord.js';
import { GatewayOpcodes } from 'discord-api-types/v10';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type DiscordSim, shardOfGuild, startDiscordSim } from '../src/index.ts';

/** Guild ids whose shard, of 2, is 0, 1, 0, 1 (the shard is the id's timestamp bits mod the count). */
const ids = [2n, 3n, 4n, 5n].map((ts) => String((ts << 22n) + 7n));
const world = (extra: Partial<Parameters<typeof startDiscordSim>[0]> = {}) =>
  startDiscordSim({
    shards: 2,
    maxConcurrency: 2,
    users: [{ username: 'ann' }],
    guilds: ids.map((id, n) => ({
      id,
      name: `G${n}`,
      channels: [
        { name: 'general', type: 'text' as const },
        { name: 'Voice', type: 'voice' as const },
      ],
      members: [{ user: 'ann' }],
    })),
    ...extra,
  });

let sim: DiscordSim | undefined;
const clients: Client[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) await c.destroy();
  await sim?.close();
  sim = undefined;
});

async function login(s: DiscordSim, shards: number[] | 'auto', shardCount?: number): Promise<Client> {
  const client = new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildVoiceStates],
    rest: { api: s.restApi },
    shards,
    ...(shardCount ? { shardCount } : {}),
  });
  clients.push(client);
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  await client.login(s.token);
  await ready;
  return client;
}

/** Sends one Identify on a raw socket; resolves with the close code, or the first dispatch's type. */
function identifyRaw(s: DiscordSim, shard: unknown): Promise<number | string> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${s.restApi.replace(/^http/, 'ws').replace(/\/api$/, '')}/gateway`);
    ws.on('error', reject);
    ws.on('close', (code) => resolve(code));
    ws.on('message', (raw) => {
      const p = JSON.parse(String(raw)) as { op: number; t?: string; d?: { shard?: unknown } };
      if (p.op === GatewayOpcodes.Hello)
        ws.send(
          JSON.stringify({
            op: GatewayOpcodes.Identify,
            d: { token: s.token, intents: 1, properties: {}, shard },
          }),
        );
      else if (p.op === GatewayOpcodes.Dispatch) {
        resolve(`${p.t} ${JSON.stringify(p.d?.shard)}`);
        ws.close();
      }
    });
  });
}

describe('a sharded gateway', () => {
  it('recommends its shard count and hands each shard only its own guilds, by (guild_id >> 22) % count', async () => {
    sim = await world();
    expect(ids.map((id) => shardOfGuild(id, 2))).toEqual([0, 1, 0, 1]);
    // 'auto' asks GET /gateway/bot how many shards to run: both, in one client (identified at
    // once: the sim grants max_concurrency 2 here, as Discord does for larger bots).
    const auto = await login(sim, 'auto');
    expect(auto.options.shardCount).toBe(2);
    expect([...auto.guilds.cache.keys()].sort()).toEqual([...ids].sort());
    await auto.destroy();
    const zero = await login(sim, [0], 2);
    const one = await login(sim, [1], 2);
    expect([...zero.guilds.cache.keys()].sort()).toEqual([ids[0], ids[2]].sort());
    expect([...one.guilds.cache.keys()].sort()).toEqual([ids[1], ids[3]].sort());
    const live = sim.gatewaySessions().filter((s) => s.connected);
    expect(live.map((s) => [s.shard, s.guilds])).toEqual([
      [[0, 2], 2],
      [[1, 2], 2],
    ]);
  });

  it('delivers a guild’s events (a voice state here) to the session of its shard only', async () => {
    sim = await world();
    const zero = await login(sim, [0], 2);
    const one = await login(sim, [1], 2);
    const seen = { zero: [] as string[], one: [] as string[] };
    zero.on(Events.VoiceStateUpdate, (_o, n) => seen.zero.push(n.guild.id));
    const heard = new Promise<void>((resolve) =>
      one.on(Events.VoiceStateUpdate, (_o, n) => {
        seen.one.push(n.guild.id);
        resolve();
      }),
    );
    sim.joinVoice('ann', sim.world.guild(ids[1] as string).channels[1]?.id as string);
    await heard;
    // The other shard's client would have had it by now: it came over the same server, first.
    await new Promise((r) => setImmediate(r));
    expect(seen).toEqual({ zero: [], one: [ids[1]] });
  });

  it('closes an invalid shard with 4010, and a shard holding too many guilds with 4011', async () => {
    sim = await world({ guildsPerShard: 2 });
    expect(await identifyRaw(sim, [0, 2])).toBe('READY [0,2]');
    for (const bad of [[2, 2], [-1, 2], [0, 0], [0.5, 2], 'x', [0]])
      expect(await identifyRaw(sim, bad)).toBe(4010);
    // Unsharded, one session would hold all four guilds.
    expect(await identifyRaw(sim, undefined)).toBe(4011);
    expect(await identifyRaw(sim, [1, 1])).toBe(4010);
  });

  it('lets two sessions run the same shard (two misconfigured hosts): both receive its guilds', async () => {
    sim = await world();
    const a = await login(sim, [0], 2);
    const b = await login(sim, [0], 2);
    expect(a.guilds.cache.size).toBe(2);
    expect(b.guilds.cache.size).toBe(2);
    expect(sim.gatewaySessions().filter((s) => s.connected && s.shard[0] === 0)).toHaveLength(2);
  });
});
