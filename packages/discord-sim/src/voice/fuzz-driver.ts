// Sends a fuzz plan to the bot in bursts (not paced at 20 ms: 10,000 datagrams take about a
// second), pausing between rounds so a receiver that dropped the speaker can pick them up again.
import { setTimeout as sleep } from 'node:timers/promises';
import {
  FUZZ_FATES,
  FUZZ_KINDS,
  type FuzzDatagram,
  type FuzzFate,
  type FuzzKind,
  type FuzzRound,
} from './voice-fuzz.ts';

/** What a fuzz run sent, and what a receiver following RTP/Opus rules must make of it. */
export interface VoiceFuzzReport {
  seed: number;
  /** Datagrams planned (the requested count). */
  packets: number;
  /** Handed to UDP. */
  sent: number;
  /** Eaten by the `dropUdp` fault. */
  undelivered: number;
  rounds: number;
  byKind: Record<FuzzKind, number>;
  byFate: Record<FuzzFate, number>;
  /**
   * For the fuzzing user, assuming a receiver that, like @discordjs/voice 0.19, stops a speaker's
   * stream at the first packet that fails authentication and picks the speaker up again after a
   * pause: every round's survivable part reaches the decoder, its hostile tail does not.
   */
  expected: {
    /** Opus payloads handed to the user's decoder. */
    decoded: number;
    /** Of those, payloads RFC 6716 forbids: the decoder must count each as corrupt. */
    corrupt: number;
    /** Rounds whose hostile tail breaks the live stream (one receive error each). */
    streamErrors: number;
    /**
     * For a receiver that takes the speaker back at once after a broken stream (Troupe's): every
     * authenticated payload reaches the decoder, the hostile tail's included.
     */
    decodedResubscribing: number;
    corruptResubscribing: number;
    /** Datagrams that fail authentication, all rounds. */
    rejected: number;
  };
  /** Milliseconds spent sending, pauses excluded. */
  burstMs: number;
  /** Every datagram, in send order. */
  datagrams: FuzzDatagram[];
}

/** A fuzz run built and ready: `run()` sends it. */
export interface PreparedVoiceFuzz {
  readonly plan: FuzzRound[];
  run(): Promise<VoiceFuzzReport>;
}

export type FuzzSend = (datagrams: readonly Uint8Array[]) => Promise<{ sent: number; undelivered: number }>;

/** Sends the rounds with `gapMs` between them. */
export async function runVoiceFuzz(
  plan: FuzzRound[],
  send: FuzzSend,
  opts: { seed: number; gapMs: number },
): Promise<VoiceFuzzReport> {
  const report = summarizeFuzz(plan, opts.seed);
  for (const [i, round] of plan.entries()) {
    if (i > 0) await sleep(opts.gapMs);
    const start = performance.now();
    const r = await send([...round.survivable, ...round.hostile].map((d) => d.bytes));
    report.burstMs += performance.now() - start;
    report.sent += r.sent;
    report.undelivered += r.undelivered;
  }
  report.burstMs = Math.round(report.burstMs);
  return report;
}

/** Counts and expectations of a plan (nothing sent yet). */
export function summarizeFuzz(plan: FuzzRound[], seed: number): VoiceFuzzReport {
  const byKind = Object.fromEntries(FUZZ_KINDS.map((k) => [k, 0])) as Record<FuzzKind, number>;
  const byFate: Record<FuzzFate, number> = { delivered: 0, rejected: 0, filtered: 0, ignored: 0 };
  const expected = {
    decoded: 0,
    corrupt: 0,
    streamErrors: 0,
    rejected: 0,
    decodedResubscribing: 0,
    corruptResubscribing: 0,
  };
  const datagrams: FuzzDatagram[] = [];
  for (const round of plan) {
    for (const d of round.survivable) {
      if (d.fate === 'delivered') {
        expected.decoded++;
        if (d.opusProblem) expected.corrupt++;
      }
    }
    for (const d of [...round.survivable, ...round.hostile])
      if (d.fate === 'delivered') {
        expected.decodedResubscribing++;
        if (d.opusProblem) expected.corruptResubscribing++;
      }
    const rejected = round.hostile.filter((d) => d.fate === 'rejected').length;
    expected.rejected += rejected;
    if (rejected > 0) expected.streamErrors++;
    for (const d of [...round.survivable, ...round.hostile]) {
      byKind[d.kind]++;
      byFate[FUZZ_FATES[d.kind]]++;
      datagrams.push(d);
    }
  }
  return {
    seed,
    packets: datagrams.length,
    sent: 0,
    undelivered: 0,
    rounds: plan.length,
    byKind,
    byFate,
    expected,
    burstMs: 0,
    datagrams,
  };
}
