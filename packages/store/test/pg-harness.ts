import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { openPostgresStore, type PostgresStoreOptions } from '../src/postgres/pg-store.ts';
import type { StoreHarness } from '../src/testing/store-contract.ts';
import type { Store } from '../src/types.ts';

/** A fresh database on the shared test server; its URL. */
export async function freshDatabase(): Promise<string> {
  const url = new URL(inject('postgresUrl'));
  const name = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  url.pathname = `/${name}`;
  return url.toString();
}

let schemas = 0;

/** Each harness is a fresh schema in `databaseUrl`; peers open the same schema. */
export function postgresHarness(databaseUrl: string, options: PostgresStoreOptions = {}) {
  return async (): Promise<StoreHarness> => {
    const schema = `s${++schemas}_${randomBytes(3).toString('hex')}`;
    const opened: Store[] = [];
    const open = async () => {
      const store = await openPostgresStore(databaseUrl, { ...options, schema });
      opened.push(store);
      return store;
    };
    const store = await open();
    return {
      store,
      openPeer: open,
      async dispose() {
        await Promise.all(opened.map((s) => s.close()));
      },
    };
  };
}
