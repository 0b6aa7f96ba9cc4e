import pg from 'pg';
import type { SqlDriver, SqlValue } from '../sql-driver.ts';

const INT8_OID = 20;

/**
 * Counts and timestamps are BIGINT; they stay far below 2^53, so they come back as numbers
 * (pg's default is a string, to be safe for larger values).
 */
export const PG_TYPES: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID
      ? (v: string) => Number(v)
      : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

/** `?` placeholders, as SQLite writes them, become `$1`, `$2`… (the store's SQL has no `?` in literals). */
export function numberPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

export class PgDriver implements SqlDriver {
  readonly backend = 'postgres';
  readonly nowSql = '(extract(epoch from clock_timestamp()) * 1000)::bigint';
  readonly pool: pg.Pool;
  readonly #statements = new Map<string, { name: string; text: string }>();

  constructor(pool: pg.Pool) {
    this.pool = pool;
  }

  shardSql(column: string): string {
    // The same rule as shardOf() in exact arithmetic; non-snowflake ids belong to no shard.
    return `(CASE WHEN ${column} ~ '^[0-9]{1,20}$'
      THEN mod(div(${column}::numeric, 4194304), CAST(? AS numeric)) END)`;
  }

  /** Named statements are parsed once per connection. */
  #statement(sql: string): { name: string; text: string } {
    let s = this.#statements.get(sql);
    if (!s) {
      s = { name: `troupe_${this.#statements.size}`, text: numberPlaceholders(sql) };
      this.#statements.set(sql, s);
    }
    return s;
  }

  async all<T>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    const result = await this.pool.query({ ...this.#statement(sql), values: [...params] });
    return result.rows as T[];
  }

  async run(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    const result = await this.pool.query({ ...this.#statement(sql), values: [...params] });
    return result.rowCount ?? 0;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
