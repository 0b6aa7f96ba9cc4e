import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { openPostgresStore, type PostgresStoreOptions } from '../src/postgres/pg-store.ts';
import { createTestDatabase } from '../src/testing/databases.ts';
import type { StoreHarness } from '../src/testing/store-contract.ts';
import type { Store } from '../src/types.ts';

async function query(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/** A fresh database on the shared test server; its URL. */
export function freshDatabase(): Promise<string> {
  return createTestDatabase(inject('postgresUrl'));
}

const TABLES = 'guild_settings, guild_personas, usage_daily, user_optout, voice_sessions, scene_lines';
let schemas = 0;

/**
 * Each harness gets an empty schema in `databaseUrl`; peers open the same schema. A schema whose
 * harness was disposed is emptied (TRUNCATE) and reused, which is much cheaper than migrating a
 * new one for every test.
 */
export function postgresHarness(databaseUrl: string, options: PostgresStoreOptions = {}) {
  const free: string[] = [];
  return async (): Promise<StoreHarness & { schema: string }> => {
    let schema = free.pop();
    if (schema)
      await query(databaseUrl, `TRUNCATE ${TABLES.replace(/(\w+)/g, `${schema}.$1`)} RESTART IDENTITY`);
    else schema = `s${++schemas}_${randomBytes(3).toString('hex')}`;
    const opened: Store[] = [];
    const open = async () => {
      const store = await openPostgresStore(databaseUrl, { ...options, schema });
      opened.push(store);
      return store;
    };
    const store = await open();
    return {
      schema,
      store,
      openPeer: open,
      async dispose() {
        await Promise.all(opened.map((s) => s.close()));
        free.push(schema);
      },
    };
  };
}
