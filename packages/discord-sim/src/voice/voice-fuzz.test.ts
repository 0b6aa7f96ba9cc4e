import { createOpusDecoder } from '@troupe/opus';
import { describe, expect, it } from 'vitest';
import { sineTone } from '../audio/signal.ts';
import { ENCRYPTION_MODES } from '../crypto/transport-crypto.ts';
import { opusPacketProblem } from '../rtp/opus-packet.ts';
import { OPUS_PAYLOAD_TYPE, parseRtpPacket } from '../rtp/rtp.ts';
import { encodeSpeech } from '../users/speaker.ts';
import { summarizeFuzz } from './fuzz-driver.ts';
import { FUZZ_KINDS, type FuzzContext, planVoiceFuzz } from './voice-fuzz.ts';

const frames = encodeSpeech(sineTone(330, 200)).opusFrames;
const key = new Uint8Array(32).map((_, i) => i * 5 + 1);

function context(mode: (typeof ENCRYPTION_MODES)[number]): FuzzContext {
  let counter = 0;
  return {
    mode,
    key,
    sender: { ssrc: 1001, sequence: 7, timestamp: 0 },
    knownSsrcs: new Set([1000, 1001, 1002]),
    frames,
    nextCounter: () => ++counter,
  };
}

describe('planVoiceFuzz', () => {
  for (const mode of ENCRYPTION_MODES) {
    it(`${mode}: every datagram is what its kind says`, () => {
      const plan = planVoiceFuzz(context(mode), { packets: 3000, seed: 11, rounds: 4 });
      const report = summarizeFuzz(plan, 11);
      expect(report.packets).toBe(3000);
      for (const kind of FUZZ_KINDS) expect(report.byKind[kind], kind).toBeGreaterThan(0);
      for (const round of plan) {
        expect(round.survivable.every((d) => d.fate !== 'rejected')).toBe(true);
        expect(round.hostile.some((d) => d.fate === 'rejected')).toBe(true);
        expect(round.hostile.every((d) => d.fate === 'rejected' || d.fate === 'ignored')).toBe(true);
      }
      for (const d of report.datagrams) {
        const b = d.bytes;
        const ssrc = b.length >= 12 ? new DataView(b.buffer, b.byteOffset).getUint32(8) : undefined;
        const rtpOpus =
          b.length >= 12 && (b[0] ?? 0) >> 6 === 2 && ((b[1] ?? 0) & 0x7f) === OPUS_PAYLOAD_TYPE;
        if (d.fate === 'delivered') {
          expect(ssrc).toBe(1001);
          expect(Array.from(parseRtpPacket(mode, key, b)?.opus ?? [-1])).toEqual(Array.from(d.opus ?? []));
          expect(d.opusProblem).toBe(opusPacketProblem(d.opus ?? new Uint8Array(1)));
          if (d.kind === 'corrupt-opus') expect(d.opusProblem, d.kind).toBeDefined();
          if (['speech', 'padded', 'extension', 'ext-lookalike'].includes(d.kind))
            expect(d.opusProblem, d.kind).toBeUndefined();
          if (d.kind === 'ext-lookalike') {
            expect(b[0], 'X bit').toBe(0x80);
            expect([b[12], b[13]]).toEqual([0xbe, 0xde]);
          }
        } else if (d.fate === 'rejected') {
          expect(ssrc).toBe(1001);
          expect(rtpOpus).toBe(true);
          expect(parseRtpPacket(mode, key, b)).toBeNull();
        } else if (d.fate === 'filtered') {
          expect(ssrc).toBe(1001);
          expect(rtpOpus).toBe(false);
        } else {
          expect(ssrc === undefined || ![1000, 1001, 1002].includes(ssrc)).toBe(true);
          if (d.kind === 'runt') expect(b.length).toBeLessThan(12);
        }
      }
    });
  }

  it('replays identically from a seed and differs across seeds', () => {
    const bytes = (seed: number) =>
      summarizeFuzz(planVoiceFuzz(context('aead_xchacha20_poly1305_rtpsize'), { packets: 200, seed }), seed)
        .datagrams.filter((d) => d.kind !== 'wrong-key') // a random key by design
        .map((d) => Buffer.from(d.bytes).toString('hex'));
    expect(bytes(5)).toEqual(bytes(5));
    expect(bytes(5)).not.toEqual(bytes(6));
  });

  it('flags exactly the payloads libopus refuses (the RFC 6716 rules agree with the decoder)', () => {
    const plan = planVoiceFuzz(context('aead_aes256_gcm_rtpsize'), { packets: 4000, seed: 3 });
    const decoder = createOpusDecoder({ sampleRate: 24_000, channels: 1 });
    let flagged = 0;
    let disagreements = 0;
    for (const d of summarizeFuzz(plan, 3).datagrams) {
      if (d.fate !== 'delivered' || !d.opus) continue;
      const before = decoder.corruptPackets;
      decoder.decode(d.opus);
      const refused = decoder.corruptPackets > before;
      if (d.opusProblem) flagged++;
      if (refused !== (d.opusProblem !== undefined)) disagreements++;
    }
    expect(flagged).toBeGreaterThan(300);
    expect(disagreements).toBe(0);
  });

  it('refuses a plan it cannot build, saying why', () => {
    expect(() => planVoiceFuzz(context('aead_aes256_gcm_rtpsize'), { packets: 1, seed: 1 })).toThrow(
      /integer ≥ 2/,
    );
    expect(() =>
      planVoiceFuzz({ ...context('aead_aes256_gcm_rtpsize'), frames: [] }, { packets: 10, seed: 1 }),
    ).toThrow(/real Opus frame/);
  });
});
