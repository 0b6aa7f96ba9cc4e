import type { DatabaseSync, SQLInputValue } from 'node:sqlite';
import type { SqlDriver, SqlValue } from '../sql-driver.ts';
import { shardOf } from '../validate.ts';

const bind = (params: readonly SqlValue[]): SQLInputValue[] =>
  params.map((p) => (typeof p === 'boolean' ? (p ? 1 : 0) : p));

/**
 * node:sqlite is synchronous: each call runs to completion before the promise is returned, so no
 * two statements interleave. Statements are prepared once and reused.
 */
export class SqliteDriver implements SqlDriver {
  readonly backend = 'sqlite';
  readonly nowSql = "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)";
  readonly db: DatabaseSync;
  readonly #statements = new Map<string, ReturnType<DatabaseSync['prepare']>>();

  constructor(db: DatabaseSync) {
    this.db = db;
    // The same rule as shardOf(); non-snowflake ids belong to no shard.
    db.function('troupe_shard', { deterministic: true }, (guildId, shardCount) => {
      if (typeof guildId !== 'string' || !/^\d{1,20}$/.test(guildId)) return null;
      return shardOf(guildId, Number(shardCount));
    });
  }

  shardSql(column: string): string {
    return `troupe_shard(${column}, ?)`;
  }

  #prepare(sql: string) {
    let s = this.#statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.#statements.set(sql, s);
    }
    return s;
  }

  async all<T>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    return this.#prepare(sql).all(...bind(params)) as T[];
  }

  async run(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    return Number(this.#prepare(sql).run(...bind(params)).changes);
  }

  async close(): Promise<void> {
    this.#statements.clear();
    if (this.db.isOpen) this.db.close();
  }
}
