// What only a shared database can promise: a write through one host's store reaches every other
// host's in-memory caches (settings, opt-outs), including writes made outside the store and
// writes made while a host's notification connection was down.
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../src/postgres/pg-store.ts';
import type { StoreLog } from '../src/state-cache.ts';
import type { StoreHarness } from '../src/testing/store-contract.ts';
import type { Store, StoreChange } from '../src/types.ts';
import { freshDatabase, postgresHarness } from './pg-harness.ts';

let databaseUrl = '';
let admin: pg.Client;
beforeAll(async () => {
  databaseUrl = await freshDatabase();
  admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
});
afterAll(() => admin.end());

const harnesses: StoreHarness[] = [];
afterEach(async () => {
  await Promise.all(harnesses.splice(0).map((h) => h.dispose()));
});

/** Two hosts on one fresh schema; `logB` hears only what host b reports. */
async function twoHosts(logB: StoreLog = () => {}): Promise<{ a: Store; b: Store; schema: string }> {
  const h = await postgresHarness(databaseUrl)();
  harnesses.push(h);
  const b = await openPostgresStore(databaseUrl, { schema: h.schema, log: logB });
  harnesses.push({ store: b, openPeer: h.openPeer, dispose: () => b.close() });
  return { a: h.store, b, schema: h.schema };
}

/** Resolves with the first change `store` reports that matches. */
function nextChange(store: Store, match: (c: StoreChange) => boolean): Promise<StoreChange> {
  return new Promise((resolve) => {
    const off = store.subscribe((c) => {
      if (!match(c)) return;
      off();
      resolve(c);
    });
  });
}

/** SQL from outside the store (an operator's session), on one connection for the whole file. */
function sql(text: string, values: unknown[] = []) {
  return admin.query(text, values);
}

describe('postgres store across hosts', () => {
  it("invalidates another host's cached settings when one host writes them", async () => {
    const { a, b } = await twoHosts();
    expect((await b.getSettings('g')).dailyCapMinutes).toBeNull();
    expect(b.cachedSettings('g')).toBeDefined();
    const seen = nextChange(b, (c) => c.kind === 'settings');
    await a.updateSettings('g', { dailyCapMinutes: 15, vadSilenceMs: 900 });
    expect(await seen).toEqual({ kind: 'settings', guildId: 'g' });
    expect(b.cachedSettings('g')).toBeUndefined();
    expect(await b.getSettings('g')).toMatchObject({ dailyCapMinutes: 15, vadSilenceMs: 900 });
  });

  it("applies one host's opt-out to the other host's per-packet answer, both ways", async () => {
    const { a, b } = await twoHosts();
    const optedOut = nextChange(b, (c) => c.kind === 'optout');
    await a.setOptOut('g', 'u', true);
    await optedOut;
    expect(b.isOptedOut('g', 'u')).toBe(true);
    const optedIn = nextChange(a, (c) => c.kind === 'optout');
    await b.setOptOut('g', 'u', false);
    await optedIn;
    expect(a.isOptedOut('g', 'u')).toBe(false);
  });

  it("forgets a guild in the other host's memory too (opt-outs and settings)", async () => {
    const { a, b } = await twoHosts();
    await a.setOptOut('g', 'u', true);
    await a.updateSettings('g', { dailyCapMinutes: 9 });
    expect((await b.getSettings('g')).dailyCapMinutes).toBe(9);
    await expect.poll(() => b.isOptedOut('g', 'u')).toBe(true);
    await a.forgetGuild('g');
    await expect.poll(() => b.isOptedOut('g', 'u')).toBe(false);
    await expect.poll(() => b.cachedSettings('g')).toBeUndefined();
    expect((await b.getSettings('g')).dailyCapMinutes).toBeNull();
  });

  it('converges on the last committed opt-out when two hosts race on the same member', async () => {
    const { a, b, schema } = await twoHosts();
    for (let round = 0; round < 20; round++) {
      await Promise.all([a.setOptOut('g', 'u', round % 2 === 0), b.setOptOut('g', 'u', round % 2 === 1)]);
      // A write through each host waits for every change committed before it to arrive there.
      await Promise.all([a.setOptOut('g', `sync-${round}`, true), b.setOptOut('g', `sync-${round}`, true)]);
      const { rows } = await sql(`SELECT count(*)::int AS n FROM ${schema}.user_optout WHERE user_id = 'u'`);
      const truth = rows[0]?.n === 1;
      expect([a.isOptedOut('g', 'u'), b.isOptedOut('g', 'u')]).toEqual([truth, truth]);
    }
  });

  it('never keeps a stale cached setting when two hosts write the same guild at once', async () => {
    const { a, b, schema } = await twoHosts();
    for (let round = 0; round < 20; round++) {
      await Promise.all([
        a.updateSettings('g', { dailyCapMinutes: 2 * round + 1 }),
        b.updateSettings('g', { dailyCapMinutes: 2 * round + 2 }),
      ]);
      await Promise.all([a.setOptOut('g', `sync-${round}`, true), b.setOptOut('g', `sync-${round}`, true)]);
      const { rows } = await sql(
        `SELECT daily_cap_minutes AS cap FROM ${schema}.guild_settings WHERE guild_id = 'g'`,
      );
      const truth = rows[0]?.cap;
      expect([
        (await a.getSettings('g')).dailyCapMinutes,
        (await b.getSettings('g')).dailyCapMinutes,
      ]).toEqual([truth, truth]);
    }
  });

  it('sees writes made outside the store (an operator, the migration command) through the triggers', async () => {
    const { a, schema } = await twoHosts();
    await a.getSettings('g');
    const changes = nextChange(a, (c) => c.kind === 'optout');
    const settings = nextChange(a, (c) => c.kind === 'settings');
    await sql(`INSERT INTO ${schema}.user_optout (guild_id, user_id, opted_out_at) VALUES ('g', 'u', 1)`);
    await sql(`INSERT INTO ${schema}.guild_settings (guild_id, daily_cap_minutes) VALUES ('g', 3)`);
    await Promise.all([changes, settings]);
    expect(a.isOptedOut('g', 'u')).toBe(true);
    expect((await a.getSettings('g')).dailyCapMinutes).toBe(3);
  });

  it('reads through while its notification connection is down, then resyncs what it missed', async () => {
    let noticed: () => void = () => {};
    const lost = new Promise<void>((resolve) => (noticed = resolve));
    const { a, b, schema } = await twoHosts((level, message) => {
      if (level === 'warn' && message.startsWith('store change notifications lost')) noticed();
    });
    await b.getSettings('g');
    // Cut the LISTEN connections from the server side, as a failover or a proxy restart would.
    const { rows } = await sql(
      `SELECT pid FROM pg_stat_activity WHERE application_name = 'troupe-store' AND query = $1
       AND datname = current_database()`,
      [`LISTEN "troupe_store.${schema}"`],
    );
    const resynced = nextChange(b, (c) => c.kind === 'resync');
    expect(rows.length).toBeGreaterThanOrEqual(2);
    await sql('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid', [rows.map((r) => r.pid)]);
    await lost;
    await a.setOptOut('g', 'missed', true);
    await a.updateSettings('g', { dailyCapMinutes: 42 });
    expect((await b.getSettings('g')).dailyCapMinutes).toBe(42);
    await resynced;
    expect(b.isOptedOut('g', 'missed')).toBe(true);
    // Listening again: changes flow as before.
    const later = nextChange(b, (c) => c.kind === 'optout' && c.userId === 'later');
    await a.setOptOut('g', 'later', true);
    await later;
    expect(b.isOptedOut('g', 'later')).toBe(true);
  });
});

describe('opening the postgres store', () => {
  it('explains a malformed DATABASE_URL', async () => {
    await expect(openPostgresStore('mysql://x@localhost/db')).rejects.toThrow(
      /DATABASE_URL must start with postgres:\/\/ or postgresql:\/\//,
    );
    await expect(openPostgresStore('not a url')).rejects.toThrow(/DATABASE_URL is not a URL/);
  });

  it('names the server it could not reach, without the password', async () => {
    const url = new URL(databaseUrl);
    url.password = 's3cret-password';
    url.pathname = '/no_such_database';
    const failure = openPostgresStore(url.toString());
    await expect(failure).rejects.toThrow(
      /could not open the PostgreSQL store at postgres:\/\/postgres:\*\*\*@127/,
    );
    await expect(failure).rejects.toThrow(/no_such_database/);
    await expect(failure).rejects.not.toThrow(/s3cret-password/);
  });

  it('takes a schema name as long as the change channel allows, and refuses a longer one', async () => {
    const longest = `s${'x'.repeat(49)}`;
    const a = await openPostgresStore(databaseUrl, { schema: longest });
    const b = await openPostgresStore(databaseUrl, { schema: longest });
    try {
      const seen = nextChange(b, (c) => c.kind === 'optout');
      await a.setOptOut('g', 'u', true);
      await seen;
      expect(b.isOptedOut('g', 'u')).toBe(true);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
    await expect(openPostgresStore(databaseUrl, { schema: `${longest}x` })).rejects.toThrow(
      /schema must be a lowercase SQL name .* at most 50 characters/,
    );
  });

  it('migrates once when several hosts open a new schema at the same time', async () => {
    const opening = [1, 2, 3].map(() => openPostgresStore(databaseUrl, { schema: 'together' }));
    const stores = await Promise.all(opening);
    try {
      expect(await Promise.all(stores.map((s) => s.schemaVersion()))).toEqual([1, 1, 1]);
      const { rows } = await sql('SELECT count(*)::int AS n FROM together.migrations');
      expect(rows[0]?.n).toBe(1);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });
});
