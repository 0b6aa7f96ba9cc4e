import { describe, expect, it } from 'vitest';
import { ReceiveHealth } from './receive-health.ts';

const opts = { minFailures: 5, minFailingMs: 1000, maxFreshJoins: 2, forgiveAfterMs: 60_000 };

/** `n` failures spread evenly over `ms`, starting at `from`; returns the last action. */
function fail(h: ReceiveHealth, n: number, from: number, ms: number, kind: 'transport' | 'e2ee' = 'e2ee') {
  let last: ReturnType<ReceiveHealth['failed']>;
  for (let i = 0; i < n; i++) last = h.failed(kind, from + (ms * i) / Math.max(1, n - 1)) ?? last;
  return last;
}

describe('ReceiveHealth: when decryption failures call for new keys', () => {
  it('needs both enough failures and enough time, with nothing delivered in between', () => {
    const h = new ReceiveHealth(opts);
    expect(fail(h, 50, 0, 900)).toBeUndefined(); // many, but a burst
    h.delivered(950);
    expect(fail(h, 4, 1000, 3000)).toBeUndefined(); // long, but few
    expect(h.failed('transport', 4500)).toMatchObject({
      type: 'fresh-join',
      attempt: 1,
      failures: 5,
      failingMs: 3500,
      kinds: ['e2ee', 'transport'],
    });
    expect(h.status).toBe('rejoining');
  });

  it('ignores the old connection’s failures while rejoining, then judges the new one from scratch', () => {
    const h = new ReceiveHealth(opts);
    expect(fail(h, 5, 0, 1000)?.type).toBe('fresh-join');
    expect(fail(h, 100, 1000, 5000)).toBeUndefined();
    h.rejoined();
    expect(h.status).toBe('healthy');
    expect(fail(h, 5, 10_000, 1000)).toMatchObject({ type: 'fresh-join', attempt: 2 });
  });

  it('gives up after the bound, saying how many fresh joins it made', () => {
    const h = new ReceiveHealth(opts);
    for (let i = 0; i < 2; i++) {
      expect(fail(h, 5, i * 10_000, 1000)?.type).toBe('fresh-join');
      h.rejoined();
    }
    expect(fail(h, 5, 30_000, 1000)).toMatchObject({ type: 'give-up', freshJoins: 2 });
    expect(h.status).toBe('gave-up');
    expect(fail(h, 50, 40_000, 5000)).toBeUndefined();
  });

  it('forgets old fresh joins after a long healthy stretch', () => {
    const h = new ReceiveHealth(opts);
    for (let i = 0; i < 2; i++) {
      fail(h, 5, i * 10_000, 1000);
      h.rejoined();
    }
    h.delivered(11_000 + 60_000);
    expect(h.freshJoins).toBe(0);
    expect(fail(h, 5, 100_000, 1000)?.type).toBe('fresh-join');
  });
});
