// Opens the store the configuration names — PostgreSQL (DATABASE_URL) or the SQLite file
// (TROUPE_DB_PATH) — or says in one line what is wrong and how to fix it. An unusable database
// must stop the bot at start, not at the first write in some guild: SQLite opens a file it may not
// write without complaint (and reads work), so a real write is attempted and rolled back first.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { openStore, redactDatabaseUrl, type Store, type StoreLog } from '@troupe/store';
import type { Logger } from 'pino';

/** The database cannot be used; `message` is one line: what is wrong, then "— fix: …". */
export class StoreOpenError extends Error {
  override name = 'StoreOpenError';
  /** What is wrong, without the fix. */
  readonly detail: string;
  readonly fix: string;
  constructor(detail: string, fix: string, options?: ErrorOptions) {
    super(`${detail} — fix: ${fix}`, options);
    this.detail = detail;
    this.fix = fix;
  }
}

const FIX_PATH =
  'set TROUPE_DB_PATH to a file in a folder the bot can write (e.g. ./data/troupe.sqlite), or fix that folder';
const FIX_READ_ONLY =
  'make the file and its folder writable by the user running the bot (chown/chmod, or mount the volume read-write), or point TROUPE_DB_PATH elsewhere';

const firstLine = (err: unknown): string => String((err as Error)?.message ?? err).split('\n')[0] ?? '';

/** Where the store reports trouble it handled itself (a lost notification connection). */
export function storeLog(logger: Logger): StoreLog {
  return (level, message, err) => logger[level]({ err, component: 'store' }, message);
}

/** Opens the configured store; throws {@link StoreOpenError} when it cannot be used. */
export async function openBotStore(
  config: { databaseUrl: string | undefined; dbPath: string; sceneMemoryDays?: number },
  logger?: Logger,
): Promise<Store> {
  const log = logger ? storeLog(logger) : undefined;
  if (config.databaseUrl) return openPostgres(config.databaseUrl, log, config.sceneMemoryDays ?? 30);
  checkSqliteWritable(config.dbPath);
  try {
    return await openStore({
      sqlitePath: config.dbPath,
      ...(config.sceneMemoryDays === undefined ? {} : { defaultSceneRetentionDays: config.sceneMemoryDays }),
      ...(log ? { log } : {}),
    });
  } catch (err) {
    throw unopenable(config.dbPath, err);
  }
}

function unopenable(path: string, err: unknown): StoreOpenError {
  const code = (err as NodeJS.ErrnoException)?.code;
  return new StoreOpenError(
    `database ${path} cannot be opened (${code && code !== 'ERR_SQLITE_ERROR' ? `${code}: ` : ''}${firstLine(err)})`,
    FIX_PATH,
    { cause: err },
  );
}

/** Fails fast when the file cannot be created, or SQLite can read but not write it. */
function checkSqliteWritable(path: string): void {
  if (path === ':memory:') return;
  let db: DatabaseSync;
  try {
    mkdirSync(dirname(path), { recursive: true });
    db = new DatabaseSync(path);
    db.exec('PRAGMA busy_timeout = 2000;');
  } catch (err) {
    throw unopenable(path, err);
  }
  try {
    db.exec('BEGIN IMMEDIATE; CREATE TABLE troupe_write_probe (x INTEGER); ROLLBACK;');
  } catch (err) {
    const readOnly = /readonly|read-only/i.test(firstLine(err));
    throw readOnly
      ? new StoreOpenError(`database ${path} is read-only (${firstLine(err)})`, FIX_READ_ONLY, { cause: err })
      : new StoreOpenError(`database ${path} cannot be written (${firstLine(err)})`, FIX_PATH, {
          cause: err,
        });
  } finally {
    db.close();
  }
}

const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
]);

/** The PostgreSQL error behind a failed open, by SQLSTATE or socket error code. */
function pgReason(err: unknown): { code: string | undefined; message: string } {
  let e: unknown = err;
  for (let depth = 0; depth < 4 && e; depth++) {
    const c = (e as { code?: unknown }).code;
    if (typeof c === 'string') return { code: c, message: firstLine(e) };
    e = (e as { cause?: unknown }).cause;
  }
  return { code: undefined, message: firstLine((err as { cause?: unknown })?.cause ?? err) };
}

async function openPostgres(url: string, log: StoreLog | undefined, sceneDays: number): Promise<Store> {
  const where = redactDatabaseUrl(url);
  let host = 'the server';
  let database = 'the database';
  let user = 'the user';
  try {
    const u = new URL(url);
    host = `${u.hostname}:${u.port || 5432}`;
    database = decodeURIComponent(u.pathname.slice(1)) || 'the user’s default database';
    user = decodeURIComponent(u.username) || 'the default user';
  } catch {
    // openStore explains an unparsable URL below.
  }
  try {
    return await openStore({
      databaseUrl: url,
      defaultSceneRetentionDays: sceneDays,
      ...(log ? { log } : {}),
    });
  } catch (err) {
    const { code, message } = pgReason(err);
    const detail = (what: string) => `PostgreSQL at ${where}: ${what}`;
    if (code && UNREACHABLE.has(code))
      throw new StoreOpenError(
        detail(`cannot reach ${host} (${code})`),
        'start the server, or correct the host and port in DATABASE_URL; check firewalls between this host and the database',
        { cause: err },
      );
    if (/timeout/i.test(message))
      throw new StoreOpenError(
        detail(`no answer from ${host} within 10 s`),
        'check that the host and port in DATABASE_URL are right and that a firewall does not drop the connection',
        { cause: err },
      );
    if (code === '28P01' || code === '28000')
      throw new StoreOpenError(
        detail(`the server refused ${user} (${message})`),
        'correct the user and password in DATABASE_URL (percent-encode special characters), or allow this host in pg_hba.conf',
        { cause: err },
      );
    if (code === '3D000')
      throw new StoreOpenError(
        detail(`database ${database} does not exist`),
        `create it (createdb ${database}) or name an existing one in DATABASE_URL`,
        { cause: err },
      );
    if (code === '42501')
      throw new StoreOpenError(
        detail(`${user} may not create the bot's tables (${message})`),
        `grant it CREATE on the database (GRANT CREATE ON DATABASE ${database} TO ${user}) or use the database owner`,
        { cause: err },
      );
    throw new StoreOpenError(
      detail(code ? `${message} (${code})` : message),
      'check DATABASE_URL and the server log',
      { cause: err },
    );
  }
}
