// Start-up checks for the SQLite path: an unusable or read-only database must stop the bot at
// start with one line saying what and how to fix, not at the first write in some guild. SQLite
// opens a file it may not write in read-only mode without complaint (and reads work), so a real
// write is attempted inside a transaction that is rolled back.
import type { DatabaseSync } from 'node:sqlite';

/** The database cannot be used; `message` is one line: what is wrong, then "— fix: …". */
export class StoreOpenError extends Error {
  override name = 'StoreOpenError';
}

const FIX_PATH =
  'set TROUPE_DB_PATH to a file in a folder the bot can write (e.g. ./data/troupe.sqlite), or fix that folder';
const FIX_READ_ONLY =
  'make the file and its folder writable by the user running the bot (chown/chmod, or mount the volume read-write), or point TROUPE_DB_PATH elsewhere';

const firstLine = (err: unknown): string => String((err as Error)?.message ?? err).split('\n')[0] ?? '';

/** The database file (or its folder) could not be created or opened. */
export function unopenable(path: string, err: unknown): StoreOpenError {
  const code = (err as NodeJS.ErrnoException)?.code;
  return new StoreOpenError(
    `database ${path} cannot be opened (${code ? `${code}: ` : ''}${firstLine(err)}) — fix: ${FIX_PATH}`,
    { cause: err },
  );
}

/** Fails fast when SQLite can read but not write the database. */
export function assertWritable(db: DatabaseSync, path: string): void {
  try {
    db.exec('BEGIN IMMEDIATE; CREATE TABLE troupe_write_probe (x INTEGER); ROLLBACK;');
  } catch (err) {
    try {
      if (db.isTransaction) db.exec('ROLLBACK');
    } catch {
      // Nothing to roll back.
    }
    const readOnly = /readonly|read-only/i.test(firstLine(err));
    throw new StoreOpenError(
      readOnly
        ? `database ${path} is read-only (${firstLine(err)}) — fix: ${FIX_READ_ONLY}`
        : `database ${path} cannot be written (${firstLine(err)}) — fix: ${FIX_PATH}`,
      { cause: err },
    );
  }
}
