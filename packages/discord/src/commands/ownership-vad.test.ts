// /settings vad, and /join under voice session leases: two command layers ("hosts") on one store.
import { openSqliteStore, type Store } from '@troupe/store';
import { ChannelType } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { commandTestContext } from '../testing/command-context.ts';

const vc = { id: 'vc1', guildId: 'g1', name: 'Lounge', type: ChannelType.GuildVoice };
const flush = () => new Promise((r) => setImmediate(r));

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const c of open.splice(0).reverse()) await c.close();
});

async function setup(o: { store?: Store; hostId?: string } = {}) {
  const c = await commandTestContext(o);
  open.push(c);
  return c;
}

async function sharedStore(): Promise<Store> {
  const store = await openSqliteStore(':memory:');
  open.push({ close: () => store.close() });
  return store;
}

describe('/settings vad', () => {
  it('saves the guild’s voice detection for admins and applies it to the next /join', async () => {
    const { run, store, voice } = await setup();
    const opts = { 'silence-ms': 900, 'padding-ms': 300, energy: 0.25 };
    expect(await run('settings', { sub: 'vad', options: opts })).toMatch(/Manage Server/);
    expect(await store.getSettings('g1')).toMatchObject({ vadSilenceMs: null });
    const saved = await run('settings', { sub: 'vad', admin: true, options: opts });
    expect(saved).toContain(
      'turn-ending silence 900 ms · padding before speech 300 ms · energy threshold 0.25',
    );
    expect(await store.getSettings('g1')).toMatchObject({
      vadSilenceMs: 900,
      vadPrefixPaddingMs: 300,
      vadEnergyThreshold: 0.25,
    });
    const zh = await run('settings', { sub: 'show', admin: true, locale: 'zh-CN' });
    expect(zh).toContain('结束发言的静音 900 ms · 语音前保留 300 ms · 能量阈值 0.25');
    await run('join', { voiceChannel: vc });
    expect(voice.joins.at(-1)?.vad).toEqual({ silenceMs: 900, prefixPaddingMs: 300, energyThreshold: 0.25 });
    // Changed while a session runs: it says the running session keeps its detection.
    expect(
      await run('settings', { sub: 'vad', admin: true, options: { reset: true, 'silence-ms': 400 } }),
    ).toMatch(
      /silence 400 ms · padding before speech default · energy threshold default\nThe session running now keeps/,
    );
    expect(await store.getSettings('g1')).toMatchObject({ vadSilenceMs: 400, vadPrefixPaddingMs: null });
  });

  it('refuses out-of-range values a modified client might send, changing nothing', async () => {
    const { run, store } = await setup();
    for (const options of [
      { 'silence-ms': 50 },
      { 'padding-ms': 99_999 },
      { energy: 2 },
      { energy: Number.NaN },
    ]) {
      expect(await run('settings', { sub: 'vad', admin: true, options })).toMatch(
        /Silence must be 100–10000 ms, padding 0–5000 ms/,
      );
      expect(await run('settings', { sub: 'vad', admin: true, options, locale: 'zh-CN' })).toMatch(
        /静音须为/,
      );
    }
    expect(await store.getSettings('g1')).toMatchObject({ vadSilenceMs: null, vadEnergyThreshold: null });
  });
});

describe('/join under voice session leases', () => {
  it('refuses a second host while the first runs the guild, and lets it in once the first left', async () => {
    const store = await sharedStore();
    const a = await setup({ store, hostId: 'host-a' });
    const b = await setup({ store, hostId: 'host-b' });
    expect(await a.run('join', { voiceChannel: vc })).toContain('joined <#vc1>');
    const refused = await b.run('join', { voiceChannel: { ...vc, id: 'vc2' } });
    expect(refused).toMatch(
      /Another instance of this bot is running the voice session of this server \(in <#vc1>\)\. Try `\/join` again in \d+ s/,
    );
    expect(await b.run('join', { voiceChannel: vc, locale: 'zh-CN' })).toMatch(/另一个实例正在运行/);
    expect(b.voice.get('g1')).toBeUndefined();
    // Nothing public was posted by the refused host.
    expect(b.posted).toEqual([]);
    expect(await store.listVoiceSessions()).toMatchObject([{ guildId: 'g1', ownerHostId: 'host-a' }]);
    expect(await a.run('leave')).toContain('left');
    await flush();
    expect(await b.run('join', { voiceChannel: { ...vc, id: 'vc2' } })).toContain('joined <#vc2>');
    expect(await store.listVoiceSessions()).toMatchObject([{ channelId: 'vc2', ownerHostId: 'host-b' }]);
  });

  it('records a persona switch under the lease, and ends the session when the lease is lost', async () => {
    const { run, store, voice, clock } = await setup();
    await run('join', { voiceChannel: vc });
    await run('persona', { sub: 'set', options: { persona: 'teller' } });
    const [record] = await store.listVoiceSessions();
    expect(record).toMatchObject({ channelId: 'vc1', personaId: 'teller' });
    // Another host took the guild over (here: the record vanished): the next renewal finds out.
    await store.forgetGuild('g1');
    clock.advance(10_000);
    await flush();
    expect(voice.left).toEqual([{ guildId: 'g1', reason: 'lease-lost' }]);
    expect(voice.get('g1')).toBeUndefined();
  });

  it('says so when the database cannot be reached, without joining or posting', async () => {
    const { run, store, voice, posted } = await setup();
    store.claimVoiceSession = () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432'));
    expect(await run('join', { voiceChannel: vc })).toMatch(/could not reach my database/);
    expect(voice.get('g1')).toBeUndefined();
    expect(posted).toEqual([]);
  });
});
