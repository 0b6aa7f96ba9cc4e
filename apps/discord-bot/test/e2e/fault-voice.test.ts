// Issue 7, voice side, in an end-to-end encrypted (DAVE) call: the fuzzing member's DAVE client
// encrypts the payloads it delivers, so transport faults still hit the transport layer and Opus
// faults still reach the decoder. A member floods the bot's voice UDP port with 10,000 seeded hostile
// datagrams (corrupt, truncated, padded, extension-bearing and mis-keyed RTP/Opus, garbage, runts,
// unknown SSRCs; discord-sim's prepareVoiceFuzz) while another member talks in the same channel.
// The real bot (createBot, @discordjs/voice 0.19.2) against discord-sim and realtime-sim.
//
// Expected: nothing crashes; the other member's turn reaches the model labelled and sample-for-
// sample identical to a clean run, and the bot answers it; the fuzzing member's counters match
// what was injected (every RFC 6716-illegal Opus payload counted corrupt, nothing else); a receive
// error is logged once per broken stream, not per packet; people are still heard afterwards.

import type { VoiceSessionPort } from '@troupe/discord';
import { type ConnectionShield, protectConnection } from '@troupe/discord/internal/voice/connection-guard.ts';
import { fixturePath, type VoiceFuzzReport } from '@troupe/discord-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectionOf,
  countBotDatagrams,
  joinByCommand,
  logsMatching,
  startVoiceFaultWorld,
  type VoiceFaultWorld,
} from './fault-voice-world.ts';

const SEED = 0x7e57;
const PACKETS = 10_000;
const MODEL_RATE = 24_000;

/** Joins, lets the greeting play out, and returns the session. */
async function joinAndSettle(v: VoiceFaultWorld): Promise<VoiceSessionPort> {
  const session = await joinByCommand(v, 'Pleb');
  const greeting = await v.w.realtime!.waitFor(() => {
    const r = v.w.realtime!.responses[0];
    return r?.status === 'completed' ? r : undefined;
  });
  // All of the greeting heard, so no reply is playing when the member starts talking.
  await v.w.discord.listener('Pleb').waitForPackets(Math.floor(greeting.audioMs / 20) - 2);
  return session;
}

/**
 * The speaker a label names: a turn whose first words overlapped the previous speaker's is
 * labelled `[Pleb, talking over Teller]`, and who overlaps whom here depends on packet timing.
 */
const speakerOf = (label: string) => label.replace(/^\[?([^,\]]+).*$/, '$1');

/** The bot's completed answer to the `nth` (1-based) turn labelled `label`. */
function answerTo(v: VoiceFaultWorld, label: string, nth = 1) {
  return v.w.realtime!.waitFor(
    () =>
      v.w.realtime!.responses.filter(
        (r) => r.labels.some((l) => speakerOf(l) === label) && r.status === 'completed',
      )[nth - 1],
    20_000,
  );
}

function answered(v: VoiceFaultWorld, label: string): number {
  return v.w.realtime!.responses.filter(
    (r) => r.labels.some((l) => speakerOf(l) === label) && r.status === 'completed',
  ).length;
}

/** Audio up to the last non-zero sample (silence frames and the bot's trailing silence decode to zeros). */
function trimZeros(pcm: Int16Array): Int16Array {
  let end = pcm.length;
  while (end > 0 && pcm[end - 1] === 0) end--;
  return pcm.slice(0, end);
}

/** The samples that are not digital silence, in order (the decoded speech without its pauses). */
function speechOnly(pcm: Int16Array): Int16Array {
  return pcm.filter((v) => v !== 0);
}

function trimmedSeconds(pcm: Int16Array): number {
  return trimZeros(pcm).length / MODEL_RATE;
}

function heard(session: VoiceSessionPort, name: string) {
  return session.status().heard.find((s) => s.displayName === name);
}

let clean: Int16Array;
let v: VoiceFaultWorld;
let session: VoiceSessionPort;
let report: VoiceFuzzReport;
let plebSent: number;
let datagrams: { readonly received: number };
/** The connection's drop counters before the flood (the IP discovery reply already counts as a stranger). */
let shieldBefore: ConnectionShield;

describe('voice fuzz: 10,000 hostile datagrams while another member talks', () => {
  beforeAll(async () => {
    // The baseline: Pleb's turn with nobody else on the wire.
    const base = await startVoiceFaultWorld(['Pleb', 'Teller']);
    try {
      await joinAndSettle(base);
      await base.w.discord.speak('Pleb', fixturePath('en-bob'));
      await answerTo(base, 'Pleb');
      clean = base.tap.audioOf('Pleb');
      expect(base.crashes).toEqual([]);
    } finally {
      await base.close();
    }
  }, 30_000);
  afterAll(async () => {
    await v?.close();
  });

  it('survives the flood; the other member’s turn arrives intact and is answered', async ({ annotate }) => {
    v = await startVoiceFaultWorld(['Pleb', 'Teller']);
    session = await joinAndSettle(v);
    datagrams = countBotDatagrams(connectionOf(v));
    shieldBefore = { ...protectConnection(connectionOf(v)) };
    // Every datagram is built (and sealed) before anyone talks, so the burst only sends.
    const fuzz = await v.w.discord.prepareVoiceFuzz('Teller', { packets: PACKETS, seed: SEED, rounds: 10 });
    const speech = v.w.discord.speak('Pleb', fixturePath('en-bob'));
    // Pleb holds the floor before the flood starts, as when someone is mid-sentence.
    await v.w.discord.until(() => (heard(session, 'Pleb')?.packets ?? 0) > 5);
    report = await fuzz.run();
    plebSent = (await speech).packetsSent;
    const answer = await answerTo(v, 'Pleb');
    await annotate(
      `${report.sent} datagrams in ${report.rounds} bursts (${report.burstMs} ms sending): ` +
        `${JSON.stringify(report.byFate)}; Pleb ${plebSent} packets, ${clean.length} samples to the model`,
    );

    expect(v.crashes).toEqual([]);
    expect(report.sent).toBe(PACKETS);
    expect(v.tap.turns[0]?.label).toBe('[Pleb]');
    // Bit-exact speech: no packet of Pleb's was lost, reordered or mixed with the flood. His client
    // sends nothing in his pauses (voice activity), and the room rebuilds each pause from arrival
    // times: the silences may differ by the flood's jitter (±20 ms per pause), the speech may not.
    const fuzzed = v.tap.audioOf('Pleb');
    expect(trimmedSeconds(clean)).toBeGreaterThan(2.5);
    expect(Buffer.from(speechOnly(fuzzed).buffer).equals(Buffer.from(speechOnly(clean).buffer))).toBe(true);
    expect(Math.abs(trimZeros(clean).length - trimZeros(fuzzed).length)).toBeLessThanOrEqual(
      (MODEL_RATE / 50) * 2,
    );
    expect(answer.heardMs).toBeGreaterThan(2500);
    // And the answer was played to the channel.
    const before = v.w.discord.listener('Pleb').heard().packets.length;
    await v.w.discord.listener('Pleb').waitForPackets(before + Math.floor(answer.audioMs / 40));
  }, 30_000);

  it('counts exactly what was injected, at every layer that can know', async ({ annotate }) => {
    const teller = heard(session, 'Teller');
    const shield = protectConnection(connectionOf(v));
    const plebHeard = heard(session, 'Pleb')?.packets ?? 0;
    await annotate(
      `Teller: ${teller?.packets} packets decoded-or-refused, ${teller?.corruptPackets} corrupt; dropped before the receiver: ` +
        `${shield.runts - shieldBefore.runts} runts, ${shield.unknownSsrc - shieldBefore.unknownSsrc} unknown-SSRC; ` +
        `${shield.extensionLookalikes - shieldBefore.extensionLookalikes} extension look-alikes opened; ` +
        `${report.expected.streamErrors} broken receive streams`,
    );
    // The kernel delivered everything: the flood plus Pleb's speech.
    expect(datagrams.received).toBe(report.sent + plebSent);
    // Every datagram shorter than an RTP header is dropped (9–11 bytes used to crash the process).
    expect(shield.runts - shieldBefore.runts).toBe(report.byKind.runt);
    expect(shield.receiverFaults).toBe(0);
    // Strangers' SSRCs; Pleb's packets not heard (at most one) were either his first, if it beat
    // his op 5 Speaking over the WebSocket (a stranger then), or his last silence frame.
    const strangers = report.byKind['unknown-ssrc'] + report.byKind.garbage;
    expect(plebSent - plebHeard).toBeLessThanOrEqual(1);
    expect(shield.unknownSsrc - shieldBefore.unknownSsrc - strangers).toBeGreaterThanOrEqual(0);
    expect(shield.unknownSsrc - shieldBefore.unknownSsrc - strangers).toBeLessThanOrEqual(
      plebSent - plebHeard,
    );
    // The call is end-to-end encrypted, so the transport plaintext is a DAVE frame whose ciphertext
    // the sim cannot steer to read 0xBEDE: it sends real extensions instead (the misread is covered
    // by connection-guard.test.ts).
    expect(report.byKind['ext-lookalike']).toBe(0);
    // Everything sealed with the right key reached Teller's decoder; exactly the RFC 6716-illegal ones were refused.
    expect(teller?.packets).toBe(report.expected.decodedResubscribing);
    expect(teller?.corruptPackets).toBe(report.expected.corruptResubscribing);
    expect(report.expected.corrupt).toBeGreaterThan(1000);
    // Mis-keyed packets break Teller's stream (the bot receives her again at once, so nothing of hers
    // is lost): logged at most once per 10 s per member, not per packet or per broken stream.
    const failures = logsMatching(v.w, /voice receive stream failed/);
    expect(failures.length).toBeGreaterThanOrEqual(1);
    expect(failures.length).toBeLessThanOrEqual(Math.ceil(report.expected.streamErrors / 2));
    expect(logsMatching(v.w, /runt/)).toHaveLength(1);
    const warnings = v.w.logs.filter((l) => (JSON.parse(l) as { level: number }).level >= 40);
    expect(warnings.length).toBeLessThan(report.expected.streamErrors + 10);
  });

  it('a stream broken while holding the floor hands it on: the next turn is labelled and whole', async () => {
    const turns = v.tap.turns.length;
    // Teller takes the floor with a short burst that ends in mis-keyed packets, which break her
    // receive stream without the usual end-of-speech; Pleb starts talking right after.
    const burst = await v.w.discord.prepareVoiceFuzz('Teller', { packets: 300, seed: SEED + 1, rounds: 1 });
    await burst.run();
    await v.w.discord.speak('Pleb', fixturePath('en-bob'));
    // Pleb's whole turn reached the model (whether the model server's VAD commits it with the
    // flood's quiet audio before it or on its own is the server's business, not the bot's).
    const seconds = (t: { pcm: Int16Array[] }) => t.pcm.reduce((n, c) => n + c.length, 0) / MODEL_RATE;
    await v.w.discord.until(
      () =>
        v.tap.turns
          .slice(turns)
          .some((t) => speakerOf(t.label) === 'Pleb' && seconds(t) >= trimmedSeconds(clean)),
      20_000,
    );
    // Teller, heard normally again.
    const tellerAnswers = answered(v, 'Teller');
    await v.w.discord.speak('Teller', fixturePath('zh-mei'));
    await answerTo(v, 'Teller', tellerAnswers + 1);
    const later = v.tap.turns.slice(turns).map((t) => ({ speaker: speakerOf(t.label), seconds: seconds(t) }));
    expect(later.map((t) => t.speaker)).toEqual(['Teller', 'Pleb', 'Teller']);
    // Pleb's whole clip (3.3 s) plus the trailing silence, as in the clean run; Teller's 4 s clip too.
    expect(later[1]?.seconds).toBeGreaterThanOrEqual(trimmedSeconds(clean));
    expect(later[2]?.seconds).toBeGreaterThan(4);
    expect(v.crashes).toEqual([]);
  }, 30_000);
});
