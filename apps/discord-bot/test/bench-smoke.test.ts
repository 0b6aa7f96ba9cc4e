// `pnpm bench` is not run in CI (its figures need a quiet machine), but its machinery is: a tiny
// load step on both simulators and a short per-frame run must produce complete, sane results.
import { describe, expect, it } from 'vitest';
import { runFrameCosts } from '../bench/frame-costs.ts';
import { runLoadStep } from '../bench/load.ts';

describe('bench machinery', () => {
  it('a 2-channel load step joins both, hears the persona and measures every latency', {
    timeout: 60_000,
  }, async () => {
    const step = await runLoadStep(2, 8, 7);
    expect(step.joined).toBe(2);
    expect(step.playbackPackets).toBeGreaterThan(50);
    expect(step.inboundMs.n).toBeGreaterThanOrEqual(1);
    expect(step.firstPacketMs.n).toBeGreaterThanOrEqual(1);
    for (const v of [step.inboundMs.p50, step.firstPacketMs.p95, step.cpuPct, step.rssMb])
      expect(Number.isFinite(v)).toBe(true);
    expect(step.botUnderruns).toBeTypeOf('number');
    // Under DAVE, as every call is by default: both calls E2EE, everything heard decrypted.
    expect(step.e2ee.channels).toBe(2);
    expect(step.e2ee.unencrypted).toBe(0);
    expect(step.e2ee.decrypted).toBeGreaterThan(50);
  });

  it('per-frame costs time every candidate, the bot path and the peer path', () => {
    const r = runFrameCosts({ rounds: 7, runs: 20, quiet: true });
    expect([...r.inbound.keys()].some((k) => k.startsWith('troupe'))).toBe(true);
    expect([...r.outbound.keys()].some((k) => k.startsWith('peer'))).toBe(true);
    for (const us of [...r.inbound.values(), ...r.outbound.values(), ...r.dave.values()])
      expect(us).toBeGreaterThan(0);
    expect(r.dave.size).toBe(2);
  });
});
