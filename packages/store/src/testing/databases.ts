import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * Creates an empty database on the server at `serverUrl` (a superuser URL, e.g. a test server's
 * from startPostgres, handed to test files by a global setup) and returns its URL.
 */
export async function createTestDatabase(serverUrl: string, prefix = 't'): Promise<string> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`not a database name: ${name}`);
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
