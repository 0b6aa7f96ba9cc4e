/** A value bound to a `?` placeholder. */
export type SqlValue = string | number | boolean | null;

/**
 * The little each backend must provide so one implementation of the store runs on both: SQL is
 * written once with `?` placeholders, in the dialect SQLite and PostgreSQL share (upsert with
 * ON CONFLICT, RETURNING, TRUE/FALSE).
 */
export interface SqlDriver {
  readonly backend: 'sqlite' | 'postgres';
  /** An SQL expression: milliseconds since the epoch on the database's clock (one clock for every host). */
  readonly nowSql: string;
  /** An SQL expression: the shard of the guild id in `column`, for a shard count bound to one `?`. */
  shardSql(column: string): string;
  all<T>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  /** Runs a statement and returns how many rows it changed. */
  run(sql: string, params?: readonly SqlValue[]): Promise<number>;
  close(): Promise<void>;
}
