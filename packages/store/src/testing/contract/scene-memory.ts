import { describe, expect, it } from 'vitest';
import type { SceneLine } from '../../types.ts';
import type { MakeStoreHarness } from '../store-contract.ts';
import { harnessPerTest } from '../store-contract.ts';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 5, 1);

const line = (over: Partial<SceneLine> = {}): SceneLine => ({
  guildId: 'g',
  channelId: 'c',
  characterId: 'pirate',
  speakerKind: 'member',
  speakerId: 'u1',
  speakerName: 'Ann',
  text: 'hello',
  at: NOW,
  ...over,
});

export function sceneMemoryContract(name: string, make: MakeStoreHarness): void {
  describe(`store contract (${name}): scene memory`, () => {
    const harness = harnessPerTest(make);
    const query = { guildId: 'g', channelId: 'c', characterId: 'pirate', limit: 100, now: NOW };

    it('returns the most recent lines of one scene, oldest first, exactly as written', async () => {
      const h = await harness();
      const lines = Array.from({ length: 150 }, (_, i) =>
        line({
          text: `line ${i} — 你好 "quoted" \n second row`,
          at: NOW - 150_000 + i * 1000,
          speakerKind: i % 2 ? 'character' : 'member',
          speakerId: i % 2 ? 'pirate' : 'u1',
        }),
      );
      expect(await h.store.appendSceneLines(lines)).toBe(150);
      await h.store.appendSceneLines([
        line({ channelId: 'other' }),
        line({ characterId: 'captain' }),
        line({ guildId: 'g2' }),
      ]);
      const peer = await h.openPeer();
      expect(await peer.recentSceneLines({ ...query, limit: 3 })).toEqual(lines.slice(-3));
      expect(await peer.recentSceneLines(query)).toEqual(lines.slice(-100));
    });

    it('keeps lines with the same time in the order they were appended', async () => {
      const { store } = await harness();
      const same = ['a', 'b', 'c'].map((text) => line({ text }));
      await store.appendSceneLines(same);
      await store.appendSceneLines([line({ text: 'd' })]);
      expect((await store.recentSceneLines(query)).map((l) => l.text)).toEqual(['a', 'b', 'c', 'd']);
    });

    it("never stores an opted-out member's lines, and erases a member's past lines on request", async () => {
      const { store } = await harness();
      await store.appendSceneLines([
        line({ speakerId: 'u1', text: 'before' }),
        line({ speakerId: 'u2', text: 'x' }),
      ]);
      await store.setOptOut('g', 'u1', true);
      const stored = await store.appendSceneLines([
        line({ speakerId: 'u1', text: 'after opting out' }),
        line({ speakerKind: 'character', speakerId: 'u1', text: 'a character that happens to share the id' }),
      ]);
      expect(stored).toBe(1);
      expect(await store.eraseMemberLines('g', 'u1')).toBe(1);
      expect(await store.eraseMemberLines('g2', 'u2')).toBe(0);
      expect((await store.recentSceneLines(query)).map((l) => l.text)).toEqual([
        'x',
        'a character that happens to share the id',
      ]);
    });

    it('forgets a channel, or one character in it', async () => {
      const { store } = await harness();
      await store.appendSceneLines([
        line(),
        line({ characterId: 'captain' }),
        line({ channelId: 'c2' }),
        line({ guildId: 'g2' }),
      ]);
      expect(await store.forgetScene('g', 'c', 'captain')).toBe(1);
      expect(await store.recentSceneLines(query)).toHaveLength(1);
      expect(await store.forgetScene('g', 'c')).toBe(1);
      expect(await store.recentSceneLines(query)).toEqual([]);
      expect(await store.recentSceneLines({ ...query, channelId: 'c2' })).toHaveLength(1);
      expect(await store.recentSceneLines({ ...query, guildId: 'g2' })).toHaveLength(1);
      // Every channel of a guild at once; other guilds keep theirs.
      expect(await store.forgetGuildScenes('g')).toBe(1);
      expect(await store.recentSceneLines({ ...query, channelId: 'c2' })).toEqual([]);
      expect(await store.recentSceneLines({ ...query, guildId: 'g2' })).toHaveLength(1);
    });

    it("honours each guild's retention when reading and pruning; 0 days keeps nothing", async () => {
      const { store } = await harness();
      await store.updateSettings('g', { sceneRetentionDays: 2 });
      await store.appendSceneLines([
        line({ text: 'old', at: NOW - 3 * DAY }),
        line({ text: 'recent', at: NOW - DAY }),
        line({ guildId: 'default', text: 'default old', at: NOW - 31 * DAY }),
        line({ guildId: 'default', text: 'default kept', at: NOW - 29 * DAY }),
      ]);
      expect((await store.recentSceneLines(query)).map((l) => l.text)).toEqual(['recent']);
      expect(await store.pruneSceneLines(NOW)).toBe(2);
      expect(
        await store.recentSceneLines({ ...query, guildId: 'default', now: NOW - 2 * DAY }),
      ).toMatchObject([{ text: 'default kept' }]);
      await store.updateSettings('g', { sceneRetentionDays: 0 });
      expect(await store.appendSceneLines([line({ text: 'not kept' })])).toBe(0);
      expect(await store.recentSceneLines(query)).toEqual([]);
    });

    it('drops NUL characters from spoken text alike on every backend, and refuses them in ids', async () => {
      const { store } = await harness();
      await store.appendSceneLines([line({ text: 'a\u0000b', speakerName: 'A\u0000nn' })]);
      expect(await store.recentSceneLines(query)).toMatchObject([{ text: 'ab', speakerName: 'Ann' }]);
      await expect(store.appendSceneLines([line({ speakerId: 'u\u0000' })])).rejects.toThrow(/NUL/);
      await expect(store.setOptOut('g', 'u\u0000', true)).rejects.toThrow(/userId must not contain a NUL/);
    });

    it('refuses malformed lines and queries, storing none of a batch with a bad line', async () => {
      const { store } = await harness();
      await expect(store.appendSceneLines([line(), line({ text: 'x'.repeat(4001) })])).rejects.toThrow(
        /at most 4000 characters/,
      );
      await expect(store.appendSceneLines([line({ speakerKind: 'narrator' as never })])).rejects.toThrow(
        /speakerKind/,
      );
      await expect(store.recentSceneLines({ ...query, limit: 0 })).rejects.toThrow(/limit must be/);
      expect(await store.recentSceneLines(query)).toEqual([]);
    });
  });
}
