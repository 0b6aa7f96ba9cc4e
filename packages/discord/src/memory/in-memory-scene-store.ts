// Scene memory kept in this process only (tests, and hosts that want memory without a database):
// the same rules as the database-backed store — retention per guild, opted-out members' lines
// dropped, newest lines returned oldest first.
import type { SceneMemoryQuery, SceneMemoryStore, StoredSceneLine } from './scene-memory-store.ts';

const DAY_MS = 86_400_000;

export class InMemorySceneStore implements SceneMemoryStore {
  readonly lines: StoredSceneLine[] = [];
  readonly #retention = new Map<string, number>();
  readonly #defaultDays: number;
  readonly #isOptedOut: (guildId: string, userId: string) => boolean;

  constructor(
    o: { defaultRetentionDays?: number; isOptedOut?: (guildId: string, userId: string) => boolean } = {},
  ) {
    this.#defaultDays = o.defaultRetentionDays ?? 30;
    this.#isOptedOut = o.isOptedOut ?? (() => false);
  }

  async append(lines: readonly StoredSceneLine[]): Promise<number> {
    let kept = 0;
    for (const l of lines) {
      if (l.speakerKind === 'member' && this.#isOptedOut(l.guildId, l.speakerId)) continue;
      if ((await this.retentionDays(l.guildId)) === 0) continue;
      this.lines.push({ ...l });
      kept++;
    }
    return kept;
  }

  async recent(q: SceneMemoryQuery): Promise<StoredSceneLine[]> {
    const since = q.now - (await this.retentionDays(q.guildId)) * DAY_MS;
    return this.lines
      .filter(
        (l) =>
          l.guildId === q.guildId &&
          l.channelId === q.channelId &&
          l.characterId === q.characterId &&
          l.at >= since,
      )
      .sort((a, b) => a.at - b.at)
      .slice(-q.limit);
  }

  async forget(guildId: string, channelId: string, characterId?: string): Promise<number> {
    return this.#remove(
      (l) =>
        l.guildId === guildId &&
        l.channelId === channelId &&
        (characterId === undefined || l.characterId === characterId),
    );
  }

  async eraseMember(guildId: string, userId: string): Promise<number> {
    return this.#remove((l) => l.guildId === guildId && l.speakerKind === 'member' && l.speakerId === userId);
  }

  async forgetGuild(guildId: string): Promise<number> {
    this.#retention.delete(guildId);
    return this.#remove((l) => l.guildId === guildId);
  }

  async retentionDays(guildId: string): Promise<number> {
    return this.#retention.get(guildId) ?? this.#defaultDays;
  }

  async setRetentionDays(guildId: string, days: number | null): Promise<number> {
    if (days === null) this.#retention.delete(guildId);
    else this.#retention.set(guildId, days);
    return this.retentionDays(guildId);
  }

  #remove(match: (l: StoredSceneLine) => boolean): number {
    const before = this.lines.length;
    for (let i = this.lines.length - 1; i >= 0; i--) if (match(this.lines[i]!)) this.lines.splice(i, 1);
    return before - this.lines.length;
  }
}
