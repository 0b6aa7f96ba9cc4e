import pg from 'pg';
import { SqlStore, type SqlStoreOptions } from '../sql-store.ts';
import type { StoreLog } from '../state-cache.ts';
import type { StoreChange } from '../types.ts';
import { parseSchemaName, StoreInputError } from '../validate.ts';
import { PG_TYPES, PgDriver } from './pg-driver.ts';
import { ChangeListener } from './pg-listener.ts';
import { migratePostgres } from './pg-migrations.ts';

export interface PostgresStoreOptions extends SqlStoreOptions {
  /** The schema holding the tables (created if missing); default `public`. */
  schema?: string;
  /** Connections in the pool, besides the one that listens for changes; default 10. */
  poolSize?: number;
  /**
   * How long to wait for a connection before giving up; default 10 s (pg waits forever, so an
   * unreachable host that drops packets would hang start-up and every query).
   */
  connectTimeoutMs?: number;
}

/** DATABASE_URL with its password hidden, for messages and logs. */
export function redactDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(an unparsable DATABASE_URL)';
  }
}

function parseUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new StoreInputError(
      'DATABASE_URL is not a URL; write it as postgres://user:password@host:5432/database',
    );
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new StoreInputError(
      `DATABASE_URL must start with postgres:// or postgresql://, not ${parsed.protocol}//`,
    );
  }
  return url;
}

/**
 * The shared store: several hosts on one PostgreSQL database. Settings and opt-outs are cached in
 * each host and kept current by NOTIFY (sent by triggers, see pg-migrations.ts).
 */
export async function openPostgresStore(
  databaseUrl: string,
  options: PostgresStoreOptions = {},
): Promise<SqlStore> {
  const connectionString = parseUrl(databaseUrl);
  const schema = options.schema ?? 'public';
  parseSchemaName(schema);
  const log: StoreLog = options.log ?? (() => {});
  const config: pg.ClientConfig = {
    connectionString,
    options: `-c search_path=${schema}`,
    types: PG_TYPES,
    application_name: 'troupe-store',
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
  };
  const pool = new pg.Pool({ ...config, max: options.poolSize ?? 10 });
  const ownBackends = new Set<number>();
  pool.on('error', (err) => log('warn', 'an idle database connection failed', err));
  pool.on('connect', (c) => ownBackends.add((c as unknown as { processID: number }).processID));
  pool.on('remove', (c) => ownBackends.delete((c as unknown as { processID: number }).processID));
  let store: PostgresStore | undefined;
  try {
    const client = await pool.connect();
    try {
      await migratePostgres(client, schema);
    } finally {
      client.release();
    }
    const listener = new ChangeListener({
      // Keep-alive probes notice a connection that died without a word (no notifications would come).
      connect: () => new pg.Client({ ...config, keepAlive: true, keepAliveInitialDelayMillis: 10_000 }),
      channel: `troupe_store.${schema}`,
      onNotification: (message) => {
        const change = parseChange(message.payload);
        if (!change) log('warn', 'ignored a malformed store notification');
        // Settings: this host invalidated its cache when it wrote. Opt-outs are state, not an
        // invalidation: every host, the writer included, applies them in commit order.
        else if (change.kind === 'optout' || !ownBackends.has(message.processId)) store?.applyRemote(change);
      },
      onResync: () => store?.resync() ?? Promise.resolve(),
      log,
    });
    store = new PostgresStore(new PgDriver(pool), listener, options);
    await listener.start();
    await store.resync();
    return store;
  } catch (err) {
    await store?.close().catch(() => {});
    await pool.end().catch(() => {});
    throw new Error(
      `could not open the PostgreSQL store at ${redactDatabaseUrl(databaseUrl)}: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
}

function parseChange(payload: string | undefined): StoreChange | undefined {
  try {
    const c = JSON.parse(payload ?? '') as Record<string, unknown>;
    if (c.kind === 'settings' && typeof c.guildId === 'string')
      return { kind: 'settings', guildId: c.guildId };
    if (
      c.kind === 'optout' &&
      typeof c.guildId === 'string' &&
      typeof c.userId === 'string' &&
      typeof c.optedOut === 'boolean'
    ) {
      return { kind: 'optout', guildId: c.guildId, userId: c.userId, optedOut: c.optedOut };
    }
  } catch {}
  return undefined;
}

class PostgresStore extends SqlStore {
  readonly #listener: ChangeListener;

  constructor(driver: PgDriver, listener: ChangeListener, options: SqlStoreOptions) {
    super(driver, options);
    this.#listener = listener;
  }

  protected override cacheTrusted(): boolean {
    return this.#listener.listening;
  }

  /**
   * The write's own notification, and any committed before it, arrive on the listening connection
   * ahead of the answer to a query sent there after the write: once that answer is in, the
   * opt-outs in memory are the database's, in commit order. Without a listening connection, the
   * write is applied directly (and a resync follows when it is back).
   */
  protected override async optOutWritten(change: Extract<StoreChange, { kind: 'optout' }>): Promise<void> {
    if (!(await this.#listener.sync())) this.cache.apply(change);
  }

  applyRemote(change: StoreChange): void {
    this.cache.apply(change);
  }

  /**
   * Notifications may have been missed: drops cached settings, reloads opt-outs, then tells
   * subscribers (who may re-read what they hold).
   */
  async resync(): Promise<void> {
    this.cache.dropSettings();
    await this.loadOptOuts();
    this.cache.apply({ kind: 'resync' });
  }

  override async close(): Promise<void> {
    await this.#listener.stop();
    await super.close();
  }
}
