// Whether one load step held the goals, and what the ramp's summary may claim. Pure.
import type { JoinReport, Pcts, WorldMeasurement } from './load-world.ts';

/** The per-channel latency goals of the project (README, performance). */
export const GOALS = {
  /** Last packet of an utterance received → its audio handed to the model socket. */
  inboundP95Ms: 25,
  /** A reply's first model audio → its first Opus packet heard in the channel. */
  firstPacketP95Ms: 40,
  /** Packets of an interrupted reply heard after the barge-in decision. */
  bargeInFrames: 1,
} as const;

/** Percentiles of fewer samples than this are the maximum: no basis for a verdict. */
export const MIN_SAMPLES = 10;

/** True when the step measured enough speech both ways to judge latency and cost per channel. */
export function speechMeasured(m: Pick<WorldMeasurement, 'inboundMs' | 'firstPacketMs'>): boolean {
  return m.inboundMs.n >= MIN_SAMPLES && m.firstPacketMs.n >= MIN_SAMPLES;
}

/** The first goal a step missed, in words, or undefined when it held them all. */
export function breachOf(
  n: number,
  m: Pick<WorldMeasurement, 'playbackGaps' | 'inboundMs' | 'firstPacketMs' | 'bargeInFrames'> & {
    e2ee?: Pick<WorldMeasurement['e2ee'], 'unencrypted'>;
  },
  join: Pick<JoinReport, 'joined' | 'failures' | 'gatewayRateLimitCloses'>,
  botUnderruns: number | undefined,
  gapMs: number,
): string | undefined {
  if (join.joined < n)
    return `only ${join.joined}/${n} joined${join.failures[0] ? ` (${join.failures[0]})` : ''}`;
  if (join.gatewayRateLimitCloses > 0)
    return `gateway closed ${join.gatewayRateLimitCloses}× for more than 120 commands a minute`;
  // In an end-to-end encrypted call, audio sent in the clear is a privacy failure, not a slowdown.
  if ((m.e2ee?.unencrypted ?? 0) > 0) return `${m.e2ee?.unencrypted} frames sent without E2EE`;
  if (m.playbackGaps > 0 || (botUnderruns ?? 0) > 0)
    return `${m.playbackGaps} gaps > ${gapMs} ms, ${botUnderruns ?? '?'} bot underruns`;
  const over = (p: Pcts, limit: number) => p.n >= MIN_SAMPLES && p.p95 > limit;
  if (over(m.inboundMs, GOALS.inboundP95Ms))
    return `inbound p95 ${m.inboundMs.p95} ms > ${GOALS.inboundP95Ms}`;
  if (over(m.firstPacketMs, GOALS.firstPacketP95Ms))
    return `first-packet p95 ${m.firstPacketMs.p95} ms > ${GOALS.firstPacketP95Ms}`;
  if (m.bargeInFrames.n > 0 && m.bargeInFrames.p95 > GOALS.bargeInFrames)
    return `barge-in p95 ${m.bargeInFrames.p95} frames > ${GOALS.bargeInFrames}`;
  return undefined;
}
