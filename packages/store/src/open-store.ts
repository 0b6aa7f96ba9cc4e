import { openPostgresStore, type PostgresStoreOptions } from './postgres/pg-store.ts';
import { openSqliteStore } from './sqlite/sqlite-store.ts';
import type { Store } from './types.ts';

export interface OpenStoreOptions extends PostgresStoreOptions {
  /** postgres://… : the shared store for several hosts. Wins over `sqlitePath`. */
  databaseUrl?: string | undefined;
  /** The embedded store's file (or `:memory:`), used when there is no `databaseUrl`. */
  sqlitePath?: string | undefined;
}

/** Opens PostgreSQL when a DATABASE_URL is given, else the SQLite file. */
export function openStore(options: OpenStoreOptions): Promise<Store> {
  const { databaseUrl, sqlitePath, ...rest } = options;
  if (databaseUrl) return openPostgresStore(databaseUrl, rest);
  if (!sqlitePath) throw new Error('openStore needs a databaseUrl (PostgreSQL) or a sqlitePath (SQLite)');
  return openSqliteStore(sqlitePath, rest);
}
