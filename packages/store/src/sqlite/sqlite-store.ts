import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { SqlStore, type SqlStoreOptions } from '../sql-store.ts';
import { SqliteDriver } from './sqlite-driver.ts';
import { migrateSqlite } from './sqlite-migrations.ts';

/**
 * The embedded store: one SQLite file (or `:memory:`), no server. It is meant for one process:
 * another process sharing the file sees the same data and leases, but not this one's cached
 * settings and opt-outs (use PostgreSQL for several hosts).
 */
export async function openSqliteStore(path: string, options: SqlStoreOptions = {}): Promise<SqlStore> {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new DatabaseSync(path);
  try {
    // node:sqlite runs on the event loop that also paces audio, so a write must not wait for the
    // disk: with WAL, synchronous=NORMAL syncs at checkpoints instead of at every commit. A commit
    // survives the process crashing; only an OS crash or power loss can drop the last few.
    // https://www.sqlite.org/pragma.html#pragma_synchronous
    db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 2000;');
    migrateSqlite(db);
  } catch (err) {
    db.close();
    throw err;
  }
  const store = new SqliteStore(new SqliteDriver(db), options);
  await store.start();
  return store;
}

class SqliteStore extends SqlStore {
  async start(): Promise<void> {
    await this.loadOptOuts();
  }
}
