import type { Persona } from '@troupe/realtime-core';
import { describe, expect, it } from 'vitest';
import type { MakeStoreHarness } from '../store-contract.ts';
import { harnessPerTest } from '../store-contract.ts';

export const PIRATE: Persona = {
  id: 'pirate',
  name: 'Pirate 海盗',
  description: 'A salty captain — "arr"',
  instructions: 'Speak like a pirate.\nNever break character.',
  voice: 'wenrounansheng',
  language: 'en',
  greeting: 'Ahoy!',
  style: { pace: 'slow', examples: ['Arr, matey.'] },
  tags: ['sea'],
};

export function settingsPersonasContract(name: string, make: MakeStoreHarness): void {
  describe(`store contract (${name}): settings`, () => {
    const harness = harnessPerTest(make);

    it('answers defaults for a guild it has never seen', async () => {
      const { store } = await harness();
      expect(await store.getSettings('g1')).toEqual({
        guildId: 'g1',
        defaultPersona: null,
        transcriptsEnabled: false,
        transcriptsChannelId: null,
        dailyCapMinutes: null,
        personaSwitchRoleId: null,
        vadSilenceMs: null,
        vadPrefixPaddingMs: null,
        vadEnergyThreshold: null,
        sceneRetentionDays: null,
      });
    });

    it('changes only the fields of a patch, and another instance reads them from the database', async () => {
      const h = await harness();
      await h.store.updateSettings('g1', { defaultPersona: 'pirate', dailyCapMinutes: 30 });
      const next = await h.store.updateSettings('g1', {
        transcriptsEnabled: true,
        vadSilenceMs: 700,
        vadPrefixPaddingMs: 300,
        vadEnergyThreshold: 0.025,
        sceneRetentionDays: 7,
      });
      expect(next).toMatchObject({
        defaultPersona: 'pirate',
        dailyCapMinutes: 30,
        transcriptsEnabled: true,
        vadSilenceMs: 700,
        vadPrefixPaddingMs: 300,
        vadEnergyThreshold: 0.025,
        sceneRetentionDays: 7,
      });
      const peer = await h.openPeer();
      expect(await peer.getSettings('g1')).toEqual(next);
      expect((await peer.getSettings('g2')).defaultPersona).toBeNull();
      const reset = await h.store.updateSettings('g1', { dailyCapMinutes: null, transcriptsEnabled: false });
      expect(reset).toMatchObject({
        dailyCapMinutes: null,
        transcriptsEnabled: false,
        defaultPersona: 'pirate',
      });
    });

    it('refuses invalid values with an error that names the field, and writes nothing', async () => {
      const { store } = await harness();
      await store.updateSettings('g', { dailyCapMinutes: 10 });
      const bad: [Record<string, unknown>, RegExp][] = [
        [{ dailyCapMinutes: -1 }, /dailyCapMinutes must be a whole number from 1/],
        [{ dailyCapMinutes: 2.5 }, /dailyCapMinutes/],
        [{ vadSilenceMs: Number.NaN }, /vadSilenceMs/],
        [{ vadEnergyThreshold: 1.5 }, /vadEnergyThreshold must be a number from 0 to 1/],
        [{ sceneRetentionDays: '7' }, /sceneRetentionDays/],
        [{ transcriptsEnabled: 'yes' }, /transcriptsEnabled must be true or false/],
        [{ defaultPersona: '' }, /defaultPersona must be a non-empty string/],
        [{ colour: 'red' }, /unknown setting "colour"; known settings: defaultPersona/],
        [{ dailyCapMinutes: 20, vadPrefixPaddingMs: -5 }, /vadPrefixPaddingMs/],
      ];
      for (const [patch, message] of bad) {
        await expect(store.updateSettings('g', patch as never)).rejects.toThrow(message);
      }
      await expect(store.getSettings('')).rejects.toThrow(/guildId must be a non-empty string/);
      expect((await store.getSettings('g')).dailyCapMinutes).toBe(10);
    });

    it('caches settings in memory: cachedSettings answers without I/O once loaded, and follows writes', async () => {
      const { store } = await harness();
      expect(store.cachedSettings('g')).toBeUndefined();
      await store.getSettings('g');
      expect(store.cachedSettings('g')?.dailyCapMinutes).toBeNull();
      await store.updateSettings('g', { dailyCapMinutes: 5 });
      expect(store.cachedSettings('g')?.dailyCapMinutes).toBe(5);
    });

    it('answers many simultaneous reads of an uncached guild alike, and a read after a write with the write', async () => {
      const h = await harness();
      const peer = await h.openPeer();
      await peer.updateSettings('g', { vadSilenceMs: 450 });
      const reads = await Promise.all(Array.from({ length: 20 }, () => h.store.getSettings('g')));
      expect(new Set(reads.map((r) => r.vadSilenceMs))).toEqual(new Set([450]));
      const [before, written] = await Promise.all([
        h.store.getSettings('g2'),
        h.store.updateSettings('g2', { vadSilenceMs: 800 }),
      ]);
      expect(before.guildId).toBe('g2');
      expect(written.vadSilenceMs).toBe(800);
      expect((await h.store.getSettings('g2')).vadSilenceMs).toBe(800);
    });

    it('tells subscribers about its own writes, and stops when unsubscribed', async () => {
      const { store } = await harness();
      const seen: unknown[] = [];
      const off = store.subscribe((c) => seen.push(c));
      await store.updateSettings('g', { vadSilenceMs: 500 });
      await store.setOptOut('g', 'u', true);
      off();
      await store.updateSettings('g', { vadSilenceMs: 600 });
      expect(seen).toEqual([
        { kind: 'settings', guildId: 'g' },
        { kind: 'optout', guildId: 'g', userId: 'u', optedOut: true },
      ]);
    });

    it('records its schema version once; opening again applies nothing new', async () => {
      const h = await harness();
      const version = await h.store.schemaVersion();
      expect(version).toBeGreaterThanOrEqual(1);
      const peer = await h.openPeer();
      expect(await peer.schemaVersion()).toBe(version);
    });
  });

  describe(`store contract (${name}): imported personas`, () => {
    const harness = harnessPerTest(make);

    it('keeps a persona exactly as imported, visible only in its guild', async () => {
      const h = await harness();
      expect(await h.store.putGuildPersona('g1', PIRATE, 'u1')).toBe('created');
      const peer = await h.openPeer();
      expect(await peer.listGuildPersonas('g1')).toEqual([PIRATE]);
      expect(await peer.getGuildPersona('g1', 'pirate')).toEqual(PIRATE);
      expect(await peer.listGuildPersonas('g2')).toEqual([]);
      expect(await peer.getGuildPersona('g2', 'pirate')).toBeNull();
    });

    it('replaces by default, keeps the existing one when asked not to replace, lists by id', async () => {
      const { store } = await harness();
      await store.putGuildPersona('g', { ...PIRATE, id: 'zed' });
      await store.putGuildPersona('g', PIRATE);
      const renamed = { ...PIRATE, name: 'Captain' };
      expect(await store.putGuildPersona('g', renamed, undefined, { replace: false })).toBe('kept-existing');
      expect((await store.getGuildPersona('g', 'pirate'))?.name).toBe(PIRATE.name);
      expect(await store.putGuildPersona('g', renamed)).toBe('replaced');
      expect((await store.listGuildPersonas('g')).map((p) => [p.id, p.name])).toEqual([
        ['pirate', 'Captain'],
        ['zed', PIRATE.name],
      ]);
    });

    it('removes a persona only from its own guild', async () => {
      const { store } = await harness();
      await store.putGuildPersona('g1', PIRATE);
      expect(await store.removeGuildPersona('g2', 'pirate')).toBe(false);
      expect(await store.removeGuildPersona('g1', 'pirate')).toBe(true);
      expect(await store.removeGuildPersona('g1', 'pirate')).toBe(false);
      expect(await store.listGuildPersonas('g1')).toEqual([]);
    });

    it('refuses a persona without an id', async () => {
      const { store } = await harness();
      await expect(store.putGuildPersona('g', { ...PIRATE, id: '' })).rejects.toThrow(/persona\.id must be/);
    });
  });
}
