// Store latency per typical command and per voice session start, SQLite (a WAL file) against
// PostgreSQL (a real local server with its durable defaults: fsync and synchronous commit on), and
// how long a change takes to reach another host's cache.
// Run: pnpm --filter @troupe/store bench   (BENCH_STORE_ITERATIONS=200 by default,
// BENCH_STORE_PG_DURABLE=0 for a server without fsync)
// Each case runs its iterations one after another (one command at a time, as a guild's commands
// arrive), after a warm-up; p50 and p95 per call. One JSON line at the end for machines.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Persona } from '@troupe/realtime-core';
import { openPostgresStore } from '../src/postgres/pg-store.ts';
import { openSqliteStore } from '../src/sqlite/sqlite-store.ts';
import { startPostgres } from '../src/testing/postgres-server.ts';
import type { Store, StoreChange } from '../src/types.ts';

const N = Number(process.env.BENCH_STORE_ITERATIONS ?? 200);
const WARMUP = 20;

const persona: Persona = {
  id: 'bench',
  name: 'Bench',
  description: 'A character of typical size.',
  instructions: 'You are a character in a voice scene. '.repeat(60),
  voice: 'qingchunshaonv',
  language: 'en',
  greeting: 'Hello there.',
};

type Case = { name: string; run: (i: number) => Promise<unknown> | unknown };

async function cases(store: Store): Promise<Case[]> {
  const day = '2026-06-01';
  const claimed = await store.claimVoiceSession({
    guildId: '81384788765712384',
    hostId: 'bench',
    channelId: 'c',
    personaId: 'p',
    ttlMs: 60_000,
  });
  if (!claimed.ok) throw new Error('claim refused');
  const { lease } = claimed;
  return [
    { name: 'read settings (cached)', run: () => store.getSettings('hot') },
    { name: 'read settings (from the database)', run: (i) => store.getSettings(`cold-${i}`) },
    {
      name: 'write settings',
      run: (i) => store.updateSettings('hot', { dailyCapMinutes: 1 + (Math.abs(i) % 600) }),
    },
    { name: 'write opt-out', run: (i) => store.setOptOut('g', `user-${i}`, true) },
    { name: 'import persona', run: (i) => store.putGuildPersona('g', { ...persona, id: `p-${i}` }, 'u') },
    { name: 'add usage', run: () => store.addUsage('g', day, 20, 20) },
    {
      name: 'session start (claim + settings + persona)',
      run: async (i) => {
        const guildId = String(81384788765712384n + BigInt(i + 100) * 4194304n);
        const claim = { guildId, hostId: 'bench', channelId: 'c', personaId: 'p-1', ttlMs: 30_000 };
        const [claimed] = await Promise.all([
          store.claimVoiceSession(claim),
          store.getSettings(guildId),
          store.getGuildPersona('g', 'p-1'),
        ]);
        if (!claimed.ok) throw new Error('claim refused');
      },
    },
    {
      name: 'renew lease',
      run: async () => {
        if (!(await store.renewVoiceSession(lease))) throw new Error('lease lost');
      },
    },
    {
      name: 'restore query (1 of 4 shards)',
      run: () => store.listRestorableSessions('bench', { shardIds: [1], shardCount: 4 }),
    },
    {
      name: 'append scene line',
      run: (i) =>
        store.appendSceneLines([
          {
            guildId: 'g',
            channelId: 'c',
            characterId: 'bench',
            speakerKind: 'member',
            speakerId: 'u',
            speakerName: 'Ann',
            text: `a line of a scene, number ${i}`,
            at: Date.now(),
          },
        ]),
    },
    {
      name: 'recent scene lines (50)',
      run: () =>
        store.recentSceneLines({
          guildId: 'g',
          channelId: 'c',
          characterId: 'bench',
          limit: 50,
          now: Date.now(),
        }),
    },
  ];
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? Number.NaN;
}

async function measure(store: Store): Promise<Record<string, { p50: number; p95: number }>> {
  const out: Record<string, { p50: number; p95: number }> = {};
  for (const c of await cases(store)) {
    for (let i = 0; i < WARMUP; i++) await c.run(-1 - i);
    const us: number[] = [];
    for (let i = 0; i < N; i++) {
      const t0 = process.hrtime.bigint();
      await c.run(i);
      us.push(Number(process.hrtime.bigint() - t0) / 1000);
    }
    out[c.name] = { p50: percentile(us, 0.5), p95: percentile(us, 0.95) };
  }
  // The per-packet question, answered from memory.
  const calls = 1_000_000;
  const t0 = process.hrtime.bigint();
  let hits = 0;
  for (let i = 0; i < calls; i++) if (store.isOptedOut('g', `user-${i & 1023}`)) hits++;
  const ns = Number(process.hrtime.bigint() - t0) / calls;
  out['isOptedOut (per packet, memory)'] = { p50: ns / 1000, p95: Number.NaN };
  if (hits === 0) throw new Error('opt-outs were not cached');
  return out;
}

/** Time from a write on one host to the change reaching another host's cache (PostgreSQL NOTIFY). */
async function propagation(a: Store, b: Store): Promise<{ p50: number; p95: number }> {
  const ms: number[] = [];
  for (let i = 0; i < 100; i++) {
    const seen = new Promise<void>((resolve) => {
      const off = b.subscribe((c: StoreChange) => {
        if (c.kind === 'optout' && c.userId === `prop-${i}`) {
          off();
          resolve();
        }
      });
    });
    const t0 = performance.now();
    await a.setOptOut('g', `prop-${i}`, true);
    await seen;
    ms.push((performance.now() - t0) * 1000);
  }
  return { p50: percentile(ms, 0.5), p95: percentile(ms, 0.95) };
}

const dir = mkdtempSync(join(tmpdir(), 'troupe-store-bench-'));
// BENCH_STORE_PG_DURABLE=0 turns fsync off, to tell the WAL flush from the round trip.
const durable = process.env.BENCH_STORE_PG_DURABLE !== '0';
const server = await startPostgres({ durable });
try {
  const sqlite = await openSqliteStore(join(dir, 'bench.sqlite'));
  const pgUrl = await server.createDatabase('bench');
  const pgStore = await openPostgresStore(pgUrl);
  const pgPeer = await openPostgresStore(pgUrl);
  const results = { sqlite: await measure(sqlite), postgres: await measure(pgStore) };
  const notify = await propagation(pgStore, pgPeer);
  await Promise.all([sqlite.close(), pgStore.close(), pgPeer.close()]);

  const fmt = (us: number) => (Number.isNaN(us) ? '-' : us < 10 ? us.toFixed(3) : us.toFixed(0));
  console.log(
    `@troupe/store, Node ${process.version}, ${N} calls per case, one at a time; µs per call (p50 / p95).`,
  );
  console.log(
    `PostgreSQL ${server.binDir.includes('troupe-postgres-') ? 'embedded' : server.binDir} on loopback, ${durable ? 'durable' : 'fsync off'}; server start ${server.startMs.toFixed(0)} ms.`,
  );
  console.log(
    'case'.padEnd(44),
    'sqlite p50'.padStart(11),
    'p95'.padStart(8),
    'postgres p50'.padStart(13),
    'p95'.padStart(8),
  );
  for (const name of Object.keys(results.sqlite)) {
    const s = results.sqlite[name];
    const p = results.postgres[name];
    console.log(
      name.padEnd(44),
      fmt(s?.p50 ?? Number.NaN).padStart(11),
      fmt(s?.p95 ?? Number.NaN).padStart(8),
      fmt(p?.p50 ?? Number.NaN).padStart(13),
      fmt(p?.p95 ?? Number.NaN).padStart(8),
    );
  }
  console.log(
    'opt-out reaching another host (NOTIFY)'.padEnd(44),
    '-'.padStart(11),
    '-'.padStart(8),
    fmt(notify.p50).padStart(13),
    fmt(notify.p95).padStart(8),
  );
  const round = (r: Record<string, { p50: number; p95: number }>) =>
    Object.fromEntries(
      Object.entries(r).map(([k, v]) => [
        k,
        { p50: Number(v.p50.toFixed(3)), p95: Number.isNaN(v.p95) ? null : Number(v.p95.toFixed(1)) },
      ]),
    );
  console.log(
    JSON.stringify({
      bench: 'store',
      unit: 'us',
      iterations: N,
      postgresStartMs: Math.round(server.startMs),
      postgresDurable: durable,
      sqlite: round(results.sqlite),
      postgres: round(results.postgres),
      postgresNotifyToOtherHost: { p50: Number(notify.p50.toFixed(0)), p95: Number(notify.p95.toFixed(0)) },
    }),
  );
} finally {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
