// `pnpm bench` is not run in CI (its figures need a quiet machine), but its machinery is: a tiny
// load step on both simulators and a short per-frame run must produce complete, sane results.
import { describe, expect, it } from 'vitest';
import { runFrameCosts } from '../bench/frame-costs.ts';
import { runLoadStep } from '../bench/load.ts';
import { breachOf, GOALS, speechMeasured } from '../bench/load-verdict.ts';

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

describe('load verdicts', () => {
  const pcts = (p95: number, n: number) => ({ p50: p95 / 2, p95, p99: p95, n });
  const clean = {
    playbackGaps: 0,
    inboundMs: pcts(10, 50),
    firstPacketMs: pcts(30, 50),
    bargeInFrames: pcts(0, 5),
  };
  const joined = (n: number, failures: string[] = []) => ({ joined: n, failures, gatewayRateLimitCloses: 0 });

  it('names the first goal a step missed, joins first', () => {
    expect(breachOf(150, clean, joined(150), 0, 60)).toBeUndefined();
    expect(breachOf(150, clean, joined(149, ['channel 146: could not connect']), 0, 60)).toBe(
      'only 149/150 joined (channel 146: could not connect)',
    );
    expect(breachOf(150, clean, joined(150), 3, 60)).toMatch(/3 bot underruns/);
    expect(
      breachOf(150, { ...clean, inboundMs: pcts(GOALS.inboundP95Ms + 1, 50) }, joined(150), 0, 60),
    ).toMatch(/^inbound p95/);
    expect(
      breachOf(150, { ...clean, firstPacketMs: pcts(GOALS.firstPacketP95Ms + 1, 50) }, joined(150), 0, 60),
    ).toMatch(/^first-packet p95/);
    expect(breachOf(150, { ...clean, bargeInFrames: pcts(2, 5) }, joined(150), 0, 60)).toMatch(/^barge-in/);
    // Audio in the clear in an E2EE call is a breach before any latency.
    expect(
      breachOf(150, { ...clean, e2ee: { unencrypted: 2 }, inboundMs: pcts(500, 50) }, joined(150), 0, 60),
    ).toBe('2 frames sent without E2EE');
    // Too few samples to judge latency: no verdict from them.
    expect(breachOf(150, { ...clean, inboundMs: pcts(500, 3) }, joined(150), 0, 60)).toBeUndefined();
  });

  it('claims a per-channel figure only from a step that measured speech both ways', () => {
    expect(speechMeasured(clean)).toBe(true);
    expect(speechMeasured({ ...clean, inboundMs: pcts(10, 2) })).toBe(false);
    expect(speechMeasured({ ...clean, firstPacketMs: pcts(10, 0) })).toBe(false);
  });
});
