// Two "hosts" on one real SQLite store (the claims are the database's; PostgreSQL runs the same
// queries, see @troupe/store's contract suite) with a manual clock for the lease keepers.
import { ManualClock } from '@troupe/realtime-core/testing';
import { openSqliteStore, type Store } from '@troupe/store';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../testing/fake-voice.ts';
import { SessionOwnership } from './session-ownership.ts';

let store: Store;
beforeEach(async () => {
  store = await openSqliteStore(':memory:');
});
afterEach(() => store.close());

function host(hostId: string, o: { sessions?: Set<string>; ttlMs?: number; clock?: ManualClock } = {}) {
  const lost: { guildId: string; reason: string }[] = [];
  const sessions = o.sessions ?? new Set<string>();
  const clock = o.clock ?? new ManualClock();
  const ownership = new SessionOwnership({
    store,
    hostId,
    ttlMs: o.ttlMs ?? 30_000,
    clock,
    logger: silentLogger(),
    hasSession: (g) => sessions.has(g),
    onLost: (guildId, reason) => lost.push({ guildId, reason }),
  });
  return { ownership, lost, sessions, clock };
}

const flush = () => new Promise((r) => setImmediate(r));

describe('voice session ownership', () => {
  it('lets one host run a guild and refuses the other, naming the holder and its channel', async () => {
    const a = host('host-a');
    const b = host('host-b');
    const held = await a.ownership.claim('g', 'vc1', 'captain');
    expect(held.ok).toBe(true);
    a.sessions.add('g');
    const refused = await b.ownership.claim('g', 'vc2', 'buddy');
    expect(refused).toMatchObject({ ok: false, holderHostId: 'host-a', channelId: 'vc1' });
    expect(refused.ok === false && refused.retryAfterMs).toBeGreaterThan(0);
    expect(await store.listVoiceSessions()).toMatchObject([
      { guildId: 'g', channelId: 'vc1', ownerHostId: 'host-a' },
    ]);
  });

  it('shares one claim between racing joins on one host, and releases when the last settles without a session', async () => {
    const a = host('host-a');
    const [first, second] = await Promise.all([
      a.ownership.claim('g', 'vc1', 'captain'),
      a.ownership.claim('g', 'vc1', 'captain'),
    ]);
    expect(first.ok && second.ok).toBe(true);
    if (!first.ok || !second.ok) return;
    first.settled();
    await flush();
    expect(await store.listVoiceSessions()).toHaveLength(1);
    second.settled();
    await a.ownership.close();
    expect(await store.listVoiceSessions()).toEqual([]);
  });

  it('keeps the lease while the session lives and gives it up when the session ends', async () => {
    const a = host('host-a');
    const b = host('host-b');
    const held = await a.ownership.claim('g', 'vc1', 'captain');
    if (!held.ok) throw new Error('claim refused');
    a.sessions.add('g');
    held.settled();
    await a.ownership.record('g', { channelId: 'vc9', personaId: 'buddy' });
    expect(await store.listVoiceSessions()).toMatchObject([{ channelId: 'vc9', personaId: 'buddy' }]);
    a.sessions.delete('g');
    a.ownership.sessionEnded('g');
    // A new claim on the same host waits for the release being written.
    expect((await a.ownership.claim('g', 'vc2', 'captain')).ok).toBe(true);
    await a.ownership.close();
    expect((await b.ownership.claim('g', 'vc2', 'captain')).ok).toBe(true);
  });

  it('stops the session when the lease cannot be renewed before it runs out', async () => {
    const clock = new ManualClock();
    const a = host('host-a', { clock, ttlMs: 3000 });
    const held = await a.ownership.claim('g', 'vc1', 'captain');
    if (!held.ok) throw new Error('claim refused');
    a.sessions.add('g');
    held.settled();
    // The lease is gone from the database (an operator, a re-shard cleanup): the next renewal fails.
    const lease = a.ownership.lease('g');
    if (!lease) throw new Error('no lease');
    await store.releaseVoiceSession(lease);
    clock.advance(1000);
    await flush();
    expect(a.lost).toEqual([{ guildId: 'g', reason: 'taken' }]);
    expect(a.ownership.lease('g')).toBeNull();
  });

  it("after a restart, waits for its own previous lease to run out, but not for another host's", async () => {
    const clock = new ManualClock();
    const before = host('host-a', { clock, ttlMs: 1000 });
    expect((await before.ownership.claim('g', 'vc1', 'captain')).ok).toBe(true);
    // The old process "crashed": its keeper stops renewing (its timers are never advanced again).
    const after = host('host-a', { ttlMs: 1000, clock: new ManualClock() });
    const other = host('host-b', { ttlMs: 1000 });
    const refused = await other.ownership.claimAfterRestart('g', 'vc1', 'captain');
    expect(refused).toMatchObject({ ok: false, holderHostId: 'host-a' });
    const pending = after.ownership.claimAfterRestart('g', 'vc1', 'captain');
    // The wait is on the restarted host's clock; the lease runs out on the database's.
    await new Promise((r) => setTimeout(r, 1100));
    after.clock.advance(1100);
    expect(await pending).toMatchObject({ ok: true });
  });
});
