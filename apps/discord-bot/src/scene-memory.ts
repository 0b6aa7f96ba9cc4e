// Scene memory for the stand-alone bot: @troupe/store's embedded SQLite on the bot's own database
// file (TROUPE_DB_PATH). The file is shared with the bot's settings store, on a second connection:
// both run in WAL mode (readers never block the writer), node:sqlite runs each statement to
// completion on the one thread and neither store holds a transaction across an await, so the two
// connections never wait on each other; a busy timeout covers another process (a shard host)
// writing at the same moment. @troupe/store migrates the file forward (schema v3: scene lines,
// their retention per guild); the settings store reads the columns it knows and ignores the rest.
// Lines past each guild's retention are deleted hourly, and once at start.
import type { SceneMemoryStore } from '@troupe/discord';
import { openStore, type Store } from '@troupe/store';

const PRUNE_EVERY_MS = 60 * 60_000;

export interface SceneMemory {
  memory: SceneMemoryStore;
  close(): Promise<void>;
}

/** The plugin's port over a @troupe/store. */
export function sceneMemoryOf(store: Store): SceneMemoryStore {
  return {
    append: (lines) => store.appendSceneLines(lines),
    recent: (q) => store.recentSceneLines(q),
    forget: (guildId, channelId, characterId) => store.forgetScene(guildId, channelId, characterId),
    eraseMember: (guildId, userId) => store.eraseMemberLines(guildId, userId),
    async forgetGuild(guildId) {
      // A retention of 0 days makes every line of the guild prunable now; then the setting goes again.
      await store.updateSettings(guildId, { sceneRetentionDays: 0 });
      const erased = await store.pruneSceneLines(Date.now() + 1);
      await store.updateSettings(guildId, { sceneRetentionDays: null });
      return erased;
    },
    async retentionDays(guildId) {
      const days = (await store.getSettings(guildId)).sceneRetentionDays;
      return days ?? defaultDays(store);
    },
    async setRetentionDays(guildId, days) {
      const s = await store.updateSettings(guildId, { sceneRetentionDays: days });
      return s.sceneRetentionDays ?? defaultDays(store);
    },
  };
}

const DEFAULT_DAYS = new WeakMap<Store, number>();
const defaultDays = (store: Store) => DEFAULT_DAYS.get(store) ?? 30;

/** Opens scene memory on the bot's SQLite file; `defaultDays` is the retention of guilds that set none. */
export async function openSceneMemory(
  sqlitePath: string,
  o: { defaultDays: number; onPruneError?: (err: unknown) => void },
): Promise<SceneMemory> {
  const store = await openStore({ sqlitePath, defaultSceneRetentionDays: o.defaultDays });
  DEFAULT_DAYS.set(store, o.defaultDays);
  const prune = () => {
    store.pruneSceneLines(Date.now()).catch((err: unknown) => o.onPruneError?.(err));
  };
  prune();
  const timer = setInterval(prune, PRUNE_EVERY_MS);
  timer.unref();
  return {
    memory: sceneMemoryOf(store),
    async close() {
      clearInterval(timer);
      await store.close();
    },
  };
}
