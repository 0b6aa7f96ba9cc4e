import { describe, expect, it } from 'vitest';
import { utcDay } from '../../validate.ts';
import type { MakeStoreHarness } from '../store-contract.ts';
import { harnessPerTest } from '../store-contract.ts';
import { PIRATE } from './settings-personas.ts';

export function usageOptOutContract(name: string, make: MakeStoreHarness): void {
  describe(`store contract (${name}): usage`, () => {
    const harness = harnessPerTest(make);

    it('adds deltas per guild and UTC day, returning the totals', async () => {
      const { store } = await harness();
      const day = utcDay(Date.UTC(2026, 0, 1, 23, 59, 59));
      expect(day).toBe('2026-01-01');
      expect(await store.getUsage('g', day)).toEqual({ inputAudioMs: 0, outputAudioMs: 0, warned: false });
      await store.addUsage('g', day, 1000, 500);
      expect(await store.addUsage('g', day, 20.4, 0)).toEqual({
        inputAudioMs: 1020,
        outputAudioMs: 500,
        warned: false,
      });
      expect(await store.getUsage('g', '2026-01-02')).toEqual({
        inputAudioMs: 0,
        outputAudioMs: 0,
        warned: false,
      });
      expect(await store.getUsage('other', day)).toEqual({
        inputAudioMs: 0,
        outputAudioMs: 0,
        warned: false,
      });
    });

    it('loses no increment when two instances add at once', async () => {
      const h = await harness();
      const peer = await h.openPeer();
      const adds = Array.from({ length: 40 }, (_, i) =>
        (i % 2 ? h.store : peer).addUsage('g', '2026-03-01', 20, 10),
      );
      await Promise.all(adds);
      expect(await h.store.getUsage('g', '2026-03-01')).toEqual({
        inputAudioMs: 800,
        outputAudioMs: 400,
        warned: false,
      });
    });

    it('marks the day warned for exactly one caller across instances, even before any usage', async () => {
      const h = await harness();
      const peer = await h.openPeer();
      const results = await Promise.all([
        h.store.markWarned('g', '2026-03-01'),
        peer.markWarned('g', '2026-03-01'),
        h.store.markWarned('g', '2026-03-01'),
      ]);
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await peer.addUsage('g', '2026-03-01', 5, 5)).toEqual({
        inputAudioMs: 5,
        outputAudioMs: 5,
        warned: true,
      });
      expect(await h.store.markWarned('g', '2026-03-02')).toBe(true);
    });

    it('refuses a bad day or amount and counts nothing', async () => {
      const { store } = await harness();
      await expect(store.addUsage('g', '01/02/2026', 1, 1)).rejects.toThrow(/YYYY-MM-DD/);
      await expect(store.addUsage('g', '2026-01-02', Number.NaN, 1)).rejects.toThrow(
        /inputAudioMs must be a finite/,
      );
      await expect(store.addUsage('g', '2026-01-02', 1, -5)).rejects.toThrow(
        /outputAudioMs must be a finite/,
      );
      await expect(store.addUsage('g', '2026-01-02', Number.POSITIVE_INFINITY, 1)).rejects.toThrow(
        /inputAudioMs/,
      );
      expect(await store.getUsage('g', '2026-01-02')).toEqual({
        inputAudioMs: 0,
        outputAudioMs: 0,
        warned: false,
      });
    });
  });

  describe(`store contract (${name}): opt-outs`, () => {
    const harness = harnessPerTest(make);

    it('answers isOptedOut from memory, per guild, and keeps it across a reopen', async () => {
      const h = await harness();
      await h.store.setOptOut('g1', 'u1', true);
      await h.store.setOptOut('g1', 'u1', true);
      await h.store.setOptOut('g1', 'u2', true);
      expect(h.store.isOptedOut('g1', 'u1')).toBe(true);
      expect(h.store.isOptedOut('g2', 'u1')).toBe(false);
      await h.store.setOptOut('g1', 'u2', false);
      expect(h.store.isOptedOut('g1', 'u2')).toBe(false);
      const peer = await h.openPeer();
      expect(peer.isOptedOut('g1', 'u1')).toBe(true);
      expect(peer.isOptedOut('g1', 'u2')).toBe(false);
    });

    it('keeps ids that differ only after a separator apart', async () => {
      const { store } = await harness();
      await store.setOptOut('1:2', '3', true);
      expect(store.isOptedOut('1', '2:3')).toBe(false);
      expect(store.isOptedOut('1:2', '3')).toBe(true);
    });

    it('refuses an empty id', async () => {
      const { store } = await harness();
      await expect(store.setOptOut('g', '', true)).rejects.toThrow(/userId must be a non-empty string/);
    });
  });

  describe(`store contract (${name}): forgetting a guild`, () => {
    const harness = harnessPerTest(make);

    it('deletes everything of one guild, caches included, and nothing of another', async () => {
      const h = await harness();
      for (const g of ['g1', 'g2']) {
        await h.store.updateSettings(g, { dailyCapMinutes: 5 });
        await h.store.putGuildPersona(g, { ...PIRATE, id: `p-${g}` });
        await h.store.addUsage(g, '2026-03-01', 10, 10);
        await h.store.setOptOut(g, 'u1', true);
        await h.store.claimVoiceSession({
          guildId: g,
          hostId: 'h',
          channelId: 'c',
          personaId: 'p',
          ttlMs: 60_000,
        });
      }
      await h.store.forgetGuild('g1');
      expect(h.store.isOptedOut('g1', 'u1')).toBe(false);
      expect(h.store.cachedSettings('g1')?.dailyCapMinutes ?? null).toBeNull();
      const peer = await h.openPeer();
      for (const s of [h.store, peer]) {
        expect((await s.getSettings('g1')).dailyCapMinutes).toBeNull();
        expect(await s.listGuildPersonas('g1')).toEqual([]);
        expect((await s.getUsage('g1', '2026-03-01')).inputAudioMs).toBe(0);
        expect(s.isOptedOut('g1', 'u1')).toBe(false);
        expect((await s.listVoiceSessions()).map((v) => v.guildId)).toEqual(['g2']);
        expect((await s.getSettings('g2')).dailyCapMinutes).toBe(5);
        expect(await s.listGuildPersonas('g2')).toHaveLength(1);
        expect(s.isOptedOut('g2', 'u1')).toBe(true);
      }
    });
  });
}
