import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '@troupe/realtime-core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { LeaseKeeper, type LeaseLoss } from '../src/lease-keeper.ts';
import { openSqliteStore } from '../src/sqlite/sqlite-store.ts';
import type { Store, VoiceSessionLease } from '../src/types.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

/** Lets pending promise callbacks (the store's replies) run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

async function held(ttlMs: number) {
  const dir = mkdtempSync(join(tmpdir(), 'troupe-keeper-'));
  const store = await openSqliteStore(join(dir, 'db.sqlite'));
  cleanups.push(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const clock = new ManualClock();
  const claimSentAt = clock.now();
  const claimed = await store.claimVoiceSession({
    guildId: 'g',
    hostId: 'a',
    channelId: 'c',
    personaId: 'p',
    ttlMs,
  });
  if (!claimed.ok) throw new Error('claim failed');
  const losses: LeaseLoss[] = [];
  const renewals: VoiceSessionLease[] = [];
  // The real store, with its renewals counted.
  const counted: Pick<Store, 'renewVoiceSession' | 'releaseVoiceSession'> = {
    renewVoiceSession: (l) => {
      renewals.push(l);
      return store.renewVoiceSession(l);
    },
    releaseVoiceSession: (l) => store.releaseVoiceSession(l),
  };
  const keeper = new LeaseKeeper({
    store: counted,
    lease: claimed.lease,
    claimSentAt,
    clock,
    onLost: (r) => losses.push(r),
  });
  return { store, clock, keeper, losses, renewals, lease: claimed.lease };
}

describe('LeaseKeeper', () => {
  it('renews every third of the ttl, so the lease never runs out while the database answers', async () => {
    const { store, clock, keeper, losses, renewals, lease } = await held(60_000);
    let expiresAt = lease.expiresAt;
    for (let i = 1; i <= 6; i++) {
      clock.advance(20_000);
      await settle();
      expect(renewals).toHaveLength(i);
      const now = keeper.lease as VoiceSessionLease;
      expect(now.expiresAt).toBeGreaterThanOrEqual(expiresAt);
      expiresAt = now.expiresAt;
    }
    // Two minutes on this host's clock: far past the first lease's 60 s, and still held.
    expect(losses).toEqual([]);
    expect(keeper.state).toBe('holding');
    expect(await store.listVoiceSessions()).toMatchObject([{ leaseExpiresAt: expiresAt }]);
    expect(await keeper.release()).toBe(true);
    expect(await store.listVoiceSessions()).toEqual([]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('reports "taken" when a renewal finds the lease gone, and stops renewing', async () => {
    const { store, clock, keeper, losses, lease } = await held(60_000);
    await store.releaseVoiceSession(lease); // e.g. an operator cleared it; another host may claim it now
    clock.advance(20_000);
    await settle();
    expect(losses).toEqual(['taken']);
    expect(keeper.lease).toBeNull();
    expect(clock.pendingTimers).toBe(0);
    expect(await keeper.release()).toBe(false);
  });

  it('reports "expired" before the lease runs out when the database stops answering', async () => {
    const { store, clock, keeper, losses, renewals } = await held(30_000);
    await store.close();
    for (let t = 0; t < 27_999; t += 1_000) {
      clock.advance(Math.min(1_000, 27_999 - t));
      await settle();
    }
    expect(renewals.length).toBeGreaterThanOrEqual(2);
    expect(losses).toEqual([]);
    expect(keeper.state).toBe('holding');
    // Deadline: sent + ttl - margin (a tenth of the ttl, at most 2 s) = 28 s, before the database's expiry.
    clock.advance(1);
    expect(losses).toEqual(['expired']);
    expect(clock.pendingTimers).toBe(0);
  });
});
