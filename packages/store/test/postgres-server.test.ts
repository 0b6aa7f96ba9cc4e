// The test server is a real PostgreSQL, running unprivileged, and leaves nothing behind.
import { existsSync, readFileSync } from 'node:fs';
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { startPostgres } from '../src/testing/postgres-server.ts';

async function ask<T extends pg.QueryResultRow>(url: string, text: string): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows[0] as T;
  } finally {
    await client.end();
  }
}

describe('the PostgreSQL test server', () => {
  it('is a real PostgreSQL server whose processes never run as root', async () => {
    const client = new pg.Client({ connectionString: inject('postgresUrl') });
    await client.connect();
    try {
      const { rows } = await client.query<{ version: string; pid: number }>(
        'SELECT version(), pg_backend_pid() AS pid',
      );
      expect(rows[0]?.version).toMatch(/^PostgreSQL \d+/);
      // The backend serving this connection, read while the connection is open.
      const uid = /^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${rows[0]?.pid}/status`, 'utf8'))?.[1];
      expect(uid).toBeDefined();
      expect(Number(uid)).not.toBe(0);
    } finally {
      await client.end();
    }
  });

  it('stops on request and removes its data directory', async () => {
    const server = await startPostgres();
    const { data } = await ask<{ data: string }>(
      server.url,
      "SELECT current_setting('data_directory') AS data",
    );
    expect(existsSync(data)).toBe(true);
    await server.stop();
    expect(existsSync(data)).toBe(false);
    await expect(ask(server.url, 'SELECT 1')).rejects.toThrow(/ECONNREFUSED/);
  });
});
