import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { ClaimRequest, ClaimResult, VoiceSessionLease } from '../../types.ts';
import { shardOf } from '../../validate.ts';
import { guildInShard } from '../guild-ids.ts';
import type { MakeStoreHarness } from '../store-contract.ts';
import { harnessPerTest } from '../store-contract.ts';

const claim = (over: Partial<ClaimRequest> = {}): ClaimRequest => ({
  guildId: 'g',
  hostId: 'host-a',
  channelId: 'c1',
  personaId: 'pirate',
  ttlMs: 60_000,
  startedAt: 1_000,
  ...over,
});

function won(result: ClaimResult): VoiceSessionLease {
  if (!result.ok) throw new Error(`expected the claim to succeed; ${result.holderHostId} holds it`);
  return result.lease;
}

export function leaseContract(name: string, make: MakeStoreHarness): void {
  describe(`store contract (${name}): voice session leases`, () => {
    const harness = harnessPerTest(make);

    it('lets one host claim a guild; another host, or the same host id again, is told who holds it', async () => {
      const h = await harness();
      const peer = await h.openPeer();
      const lease = won(await h.store.claimVoiceSession(claim()));
      expect(lease).toMatchObject({ guildId: 'g', hostId: 'host-a', ttlMs: 60_000 });
      for (const hostId of ['host-b', 'host-a']) {
        const refused = await peer.claimVoiceSession(claim({ hostId, channelId: 'c2' }));
        expect(refused).toMatchObject({ ok: false, holderHostId: 'host-a', channelId: 'c1' });
        if (!refused.ok) expect(refused.retryAfterMs).toBeGreaterThan(50_000);
      }
      expect(await peer.listVoiceSessions()).toEqual([
        {
          guildId: 'g',
          channelId: 'c1',
          personaId: 'pirate',
          startedAt: 1_000,
          ownerHostId: 'host-a',
          leaseExpiresAt: lease.expiresAt,
        },
      ]);
    });

    it('gives exactly one of many simultaneous claims from two instances', async () => {
      const h = await harness();
      const peer = await h.openPeer();
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          (i % 2 ? peer : h.store).claimVoiceSession(claim({ hostId: `host-${i}` })),
        ),
      );
      expect(results.filter((r) => r.ok)).toHaveLength(1);
    });

    it('renews and records moves under the lease; a released guild can be claimed by another host', async () => {
      const h = await harness();
      const peer = await h.openPeer();
      const lease = won(await h.store.claimVoiceSession(claim({ ttlMs: 30_000 })));
      const renewed = await h.store.renewVoiceSession({ ...lease, ttlMs: 120_000 });
      expect(renewed?.expiresAt).toBeGreaterThan(lease.expiresAt);
      expect(await h.store.updateVoiceSession(lease, { channelId: 'c9' })).toBe(true);
      expect(await h.store.updateVoiceSession(lease, { personaId: 'captain' })).toBe(true);
      expect(await peer.listVoiceSessions()).toMatchObject([{ channelId: 'c9', personaId: 'captain' }]);
      expect(await h.store.releaseVoiceSession(lease)).toBe(true);
      expect(await h.store.releaseVoiceSession(lease)).toBe(false);
      expect(await peer.listVoiceSessions()).toEqual([]);
      won(await peer.claimVoiceSession(claim({ hostId: 'host-b' })));
    });

    it('fences a lost lease: after expiry another host takes over and the old holder can change nothing', async () => {
      const h = await harness();
      const peer = await h.openPeer();
      const old = won(await h.store.claimVoiceSession(claim({ ttlMs: 1 })));
      await sleep(20);
      const next = won(await peer.claimVoiceSession(claim({ hostId: 'host-b', channelId: 'c2' })));
      expect(next.leaseId).not.toBe(old.leaseId);
      expect(await h.store.renewVoiceSession(old)).toBeNull();
      expect(await h.store.updateVoiceSession(old, { channelId: 'c3' })).toBe(false);
      expect(await h.store.releaseVoiceSession(old)).toBe(false);
      expect(await h.store.listVoiceSessions()).toMatchObject([{ channelId: 'c2', ownerHostId: 'host-b' }]);
    });

    it('does not renew a lease that already ran out, even when nobody took it', async () => {
      const { store } = await harness();
      const lease = won(await store.claimVoiceSession(claim({ ttlMs: 1 })));
      await sleep(20);
      expect(await store.renewVoiceSession(lease)).toBeNull();
      expect(await store.listVoiceSessions()).toMatchObject([{ guildId: 'g', channelId: 'c1' }]);
    });

    it('lists a host only the sessions of its shards that nobody else holds', async () => {
      const h = await harness();
      const peer = await h.openPeer();
      const mine = [guildInShard(0, 4, 1), guildInShard(2, 4, 2), guildInShard(2, 4, 3)] as const;
      const elsewhere = [guildInShard(1, 4, 4), guildInShard(3, 4, 5)] as const;
      expect(mine.map((g) => shardOf(g, 4))).toEqual([0, 2, 2]);
      // Crashed: its lease runs out. Still held by another host. Held by this host before a restart.
      await h.store.claimVoiceSession(claim({ guildId: mine[0], hostId: 'host-old', ttlMs: 1 }));
      await h.store.claimVoiceSession(claim({ guildId: mine[1], hostId: 'host-b' }));
      await h.store.claimVoiceSession(claim({ guildId: mine[2], hostId: 'host-a' }));
      for (const g of elsewhere)
        await h.store.claimVoiceSession(claim({ guildId: g, hostId: 'host-x', ttlMs: 1 }));
      await h.store.claimVoiceSession(claim({ guildId: 'not-a-snowflake', hostId: 'host-x', ttlMs: 1 }));
      await sleep(20);
      const filter = { shardIds: [0, 2], shardCount: 4 };
      expect((await peer.listVoiceSessions(filter)).map((s) => s.guildId)).toEqual([...mine].sort());
      expect((await peer.listRestorableSessions('host-a', filter)).map((s) => s.guildId)).toEqual(
        [mine[0], mine[2]].sort(),
      );
      expect(await peer.listVoiceSessions({ shardIds: [], shardCount: 4 })).toEqual([]);
      expect((await peer.listVoiceSessions()).length).toBe(6);
      // After a re-shard to 8 shards the same rule still picks each guild's one owner.
      const resharded = await Promise.all(
        Array.from({ length: 8 }, (_, s) => peer.listVoiceSessions({ shardIds: [s], shardCount: 8 })),
      );
      expect(
        resharded
          .flat()
          .map((s) => s.guildId)
          .sort(),
      ).toEqual([...mine, ...elsewhere].sort());
      for (const [s, list] of resharded.entries())
        for (const x of list) expect(shardOf(x.guildId, 8)).toBe(s);
    });

    it('refuses bad requests clearly', async () => {
      const { store } = await harness();
      await expect(store.claimVoiceSession(claim({ ttlMs: 0 }))).rejects.toThrow(
        /ttlMs must be a whole number/,
      );
      await expect(store.claimVoiceSession(claim({ hostId: '' }))).rejects.toThrow(/hostId must be/);
      await expect(store.listVoiceSessions({ shardIds: [4], shardCount: 4 })).rejects.toThrow(
        /shard id 4 is outside 0\.\.3/,
      );
      await expect(store.listVoiceSessions({ shardIds: [0], shardCount: 0 })).rejects.toThrow(/shardCount/);
    });
  });
}
