// pnpm --filter @troupe/store migrate-sqlite-to-pg <sqlite-file> [--schema <name>]
// Copies a Troupe SQLite file into the PostgreSQL database named by DATABASE_URL (see
// src/copy-sqlite-to-postgres.ts for what is copied and how a second run behaves).
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { copySqliteToPostgres } from '../src/copy-sqlite-to-postgres.ts';

const USAGE =
  'usage: DATABASE_URL=postgres://user:password@host:5432/db pnpm --filter @troupe/store migrate-sqlite-to-pg <sqlite-file> [--schema <name>]';

function fail(message: string, code: number): never {
  console.error(message);
  process.exit(code);
}

let parsed: ReturnType<typeof parseArgs<{ options: { schema: { type: 'string' } }; allowPositionals: true }>>;
try {
  parsed = parseArgs({ options: { schema: { type: 'string' } }, allowPositionals: true });
} catch (err) {
  fail(`${(err as Error).message}\n${USAGE}`, 2);
}
const [file, ...extra] = parsed.positionals;
if (!file || extra.length > 0) fail(USAGE, 2);
const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) fail(`DATABASE_URL is not set.\n${USAGE}`, 2);

// pnpm runs package scripts in the package's folder; a relative path means the caller's folder.
const path = resolve(process.env.INIT_CWD ?? process.cwd(), file);
try {
  const reports = await copySqliteToPostgres(
    path,
    databaseUrl,
    parsed.values.schema ? { schema: parsed.values.schema } : {},
  );
  console.log(`copied ${path} into PostgreSQL:`);
  console.table(
    reports.map((r) => ({
      table: r.table,
      'rows in file': r.rows,
      copied: r.copied,
      'already there': r.rows - r.copied,
    })),
  );
  console.log(JSON.stringify({ copied: Object.fromEntries(reports.map((r) => [r.table, r.copied])) }));
} catch (err) {
  fail(`migrate-sqlite-to-pg: ${(err as Error).message}`, 1);
}
