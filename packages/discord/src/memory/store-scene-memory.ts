// The default scene memory: the plugin's port over @troupe/store's scene tables (SQLite for one
// host, PostgreSQL shared by several), so a scene remembered on one host is remembered on all.
// `defaultDays` must match the `defaultSceneRetentionDays` the store was opened with: the store
// prunes by it, the port reports it to /settings memory.
import type { Store } from '@troupe/store';
import type { SceneMemoryStore } from './scene-memory-store.ts';

/** How often lines past each guild's retention are deleted (and once at mount). */
export const SCENE_PRUNE_EVERY_MS = 60 * 60_000;

export function sceneMemoryOf(store: Store, o: { defaultDays: number }): SceneMemoryStore {
  return {
    append: (lines) => store.appendSceneLines(lines),
    recent: (q) => store.recentSceneLines(q),
    forget: (guildId, channelId, characterId) => store.forgetScene(guildId, channelId, characterId),
    eraseMember: (guildId, userId) => store.eraseMemberLines(guildId, userId),
    forgetGuild: (guildId) => store.forgetGuildScenes(guildId),
    async retentionDays(guildId) {
      return (await store.getSettings(guildId)).sceneRetentionDays ?? o.defaultDays;
    },
    async setRetentionDays(guildId, days) {
      const s = await store.updateSettings(guildId, { sceneRetentionDays: days });
      return s.sceneRetentionDays ?? o.defaultDays;
    },
  };
}
