import { openSqliteStore, type Store } from '@troupe/store';
import { afterEach, describe, expect, it } from 'vitest';
import { translator } from '../i18n/translate.ts';
import { FakeVoice, P, silentLogger } from '../testing/fake-voice.ts';
import { UsageTracker } from './usage-tracker.ts';

const stores: Store[] = [];
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
});

async function setup(cap: number | null, store?: Store) {
  const s = store ?? (await openSqliteStore(':memory:'));
  if (!store) stores.push(s);
  if (cap) await s.updateSettings('g', { dailyCapMinutes: cap });
  const voice = new FakeVoice();
  const notes: string[] = [];
  let now = Date.UTC(2026, 0, 1, 22, 0);
  let tick: (() => void) | undefined;
  const tracker = new UsageTracker({
    store: s,
    voice,
    logger: silentLogger(),
    notify: async (_g, _c, render) => {
      notes.push(render(translator('en-US')), render(translator('zh-CN')));
    },
    now: () => now,
    setInterval: (fn) => {
      tick = fn;
      return 1;
    },
    clearInterval: () => {
      tick = undefined;
    },
  });
  /** A usage delta from the voice layer, then whatever write it caused. */
  const use = async (inputAudioMs: number, outputAudioMs: number) => {
    voice.fire('usage', { guildId: 'g', inputAudioMs, outputAudioMs });
    await tracker.flush('g');
  };
  return { store: s, voice, notes, tracker, use, tick: () => tick?.(), setNow: (t: number) => (now = t) };
}

describe('UsageTracker', () => {
  it('warns in character once at 80 % and leaves with reason cap at 100 %', async () => {
    const { voice, notes, use } = await setup(10);
    const session = voice.open('g', 'vc', P.captain);
    await use(4 * 60_000, 3 * 60_000);
    expect(session.announcements).toHaveLength(0);
    await use(30_000, 30_000);
    expect(session.announcements).toHaveLength(1);
    await use(30_000, 0);
    expect(session.announcements).toHaveLength(1);
    await use(60_000, 60_000);
    expect(voice.left).toEqual([{ guildId: 'g', reason: 'cap' }]);
    expect(notes[0]).toMatch(/daily voice limit \(10 min\).*resets at 00:00 UTC \(in 2 h 0 min\)/);
    expect(notes[1]).toMatch(/语音额度（10 分钟）已用完.*还有 2 小时 0 分钟/);
  });

  it('refuses /join after the cap and allows it again the next UTC day', async () => {
    const { tracker, use, setNow } = await setup(1);
    expect((await tracker.checkJoin('g')).allowed).toBe(true);
    await use(60_000, 0);
    const refused = await tracker.checkJoin('g');
    expect(refused.allowed).toBe(false);
    if (!refused.allowed) {
      expect(translator('en-GB').text(refused.text)).toMatch(/resets at 00:00 UTC \(in 2 h 0 min\)/);
      expect(translator('zh-CN').text(refused.text)).toMatch(/UTC 00:00 重置（还有 2 小时 0 分钟）/);
    }
    setNow(Date.UTC(2026, 0, 2, 0, 1));
    expect((await tracker.checkJoin('g')).allowed).toBe(true);
  });

  it('meters in memory and writes on the timer, at a session end and at close; never caps without a limit', async () => {
    const { voice, store, tracker, tick } = await setup(null);
    voice.open('g', 'vc', P.captain);
    voice.fire('usage', { guildId: 'g', inputAudioMs: 1000, outputAudioMs: 2000 });
    voice.fire('usage', { guildId: 'g', inputAudioMs: 1000, outputAudioMs: 2000 });
    // Nothing written per delta; /voice status still counts what is pending.
    expect(await store.getUsage('g', '2026-01-01')).toMatchObject({ inputAudioMs: 0 });
    expect((await tracker.today('g')).usedMinutes).toBeCloseTo(6000 / 60_000);
    tick();
    await tracker.flush();
    expect(await store.getUsage('g', '2026-01-01')).toMatchObject({
      inputAudioMs: 2000,
      outputAudioMs: 4000,
    });
    voice.fire('usage', { guildId: 'g', inputAudioMs: 500, outputAudioMs: 0 });
    await voice.leave('g');
    await tracker.flush();
    expect((await store.getUsage('g', '2026-01-01')).inputAudioMs).toBe(2500);
    voice.fire('usage', { guildId: 'g', inputAudioMs: 500, outputAudioMs: 0 });
    await tracker.close();
    expect((await store.getUsage('g', '2026-01-01')).inputAudioMs).toBe(3000);
    expect(voice.left).toEqual([{ guildId: 'g', reason: 'left' }]);
  });

  it('warns once across two hosts sharing a store, and counts both hosts toward the cap', async () => {
    const a = await setup(10);
    const b = await setup(null, a.store);
    const sa = a.voice.open('g', 'vc', P.captain);
    const sb = b.voice.open('g', 'vc', P.captain);
    await a.use(3 * 60_000, 0);
    await b.use(3 * 60_000, 0);
    await a.use(2 * 60_000, 0);
    await b.use(30_000, 0);
    expect(sa.announcements.length + sb.announcements.length).toBe(1);
    await b.use(2 * 60_000, 0);
    expect(b.voice.left).toEqual([{ guildId: 'g', reason: 'cap' }]);
  });

  it('keeps deltas the store refused and writes them later', async () => {
    const { voice, store, tracker } = await setup(null);
    const addUsage = store.addUsage.bind(store);
    let fail = true;
    store.addUsage = (...args) => (fail ? Promise.reject(new Error('database down')) : addUsage(...args));
    voice.fire('usage', { guildId: 'g', inputAudioMs: 700, outputAudioMs: 0 });
    await tracker.flush();
    fail = false;
    await tracker.flush();
    expect((await store.getUsage('g', '2026-01-01')).inputAudioMs).toBe(700);
  });
});
