import { SILENCE_FRAME } from '@troupe/opus';
import { describe, expect, it } from 'vitest';
import { fixtureWithPause, measurePauses, withPauses } from '../audio/pauses.ts';
import { sineTone } from '../audio/signal.ts';
import type { RtpPacketSpec } from '../rtp/rtp.ts';
import { encodeSpeech, type RtpSenderState, type SpeakOptions, speakPcm } from './speaker.ts';

const isSilence = (p: RtpPacketSpec) => Buffer.from(p.opus).equals(Buffer.from(SILENCE_FRAME));

async function speakToFake(source: Parameters<typeof speakPcm>[0], opts: SpeakOptions = {}) {
  const state: RtpSenderState = { ssrc: 7, sequence: 65_530, timestamp: 0xffff_fe00 };
  const packets: RtpPacketSpec[] = [];
  const result = await speakPcm(source, state, (p) => packets.push(p) > 0, opts);
  return { packets, result, state };
}

/** Wrap-safe differences between consecutive packets. */
const seqSteps = (ps: RtpPacketSpec[]) =>
  ps.slice(1).map((p, i) => (p.sequence - (ps[i]?.sequence ?? 0)) & 0xffff);
const tsSteps = (ps: RtpPacketSpec[]) =>
  ps.slice(1).map((p, i) => (p.timestamp - (ps[i]?.timestamp ?? 0)) >>> 0);

/** `A` audio, `s` silence frame, per packet sent. */
const kinds = (ps: RtpPacketSpec[]) => ps.map((p) => (isSilence(p) ? 's' : 'A')).join('');

const tone = (ms: number) => sineTone(300, ms, 48_000, 0.3);

describe('speakPcm in voice-activity mode (the default)', () => {
  it('a 300 ms pause: 5 silence frames, nothing for 200 ms, the timestamp jumps by the elapsed ticks', async () => {
    const clip = withPauses([tone(200), { pauseMs: 300 }, tone(200)]);
    const { packets, result, state } = await speakToFake(clip.pcm);
    expect(kinds(packets)).toBe(`${'A'.repeat(10)}sssss${'A'.repeat(10)}sssss`);
    expect(result).toMatchObject({ framesEncoded: 35, framesVoiced: 20, packetsSilence: 10, gapsMs: [200] });
    expect(result.packetsSent).toBe(30);
    expect(seqSteps(packets).every((d) => d === 1)).toBe(true); // contiguous across the gap and the wrap
    const steps = tsSteps(packets);
    // After 10 audio + 5 silence frames, phrase B's first packet is 11 slots (10 unsent + 1) later.
    expect(steps[14]).toBe(11 * 960);
    expect(steps.filter((_, i) => i !== 14).every((d) => d === 960)).toBe(true);
    expect(state.timestamp).toBe((0xffff_fe00 + 40 * 960) >>> 0);
    expect(state.sequence).toBe((65_530 + 30) & 0xffff);
  });

  it('a 50 ms pause: 2–3 silence frames and no gap', async () => {
    const { packets, result } = await speakToFake(withPauses([tone(200), { pauseMs: 50 }, tone(200)]).pcm);
    const inner = kinds(packets).slice(0, -5);
    expect(inner).toMatch(/^A+s{2,3}A+$/);
    expect(result.gapsMs).toEqual([]);
    expect(tsSteps(packets).every((d) => d === 960)).toBe(true);
  });

  it('pre-encoded speech keeps its voiced flags, so the same pauses appear', async () => {
    const speech = encodeSpeech(withPauses([tone(100), { pauseMs: 300 }, tone(100)]).pcm);
    expect(speech.voiced).toEqual([...Array(5).fill(true), ...Array(15).fill(false), ...Array(5).fill(true)]);
    const { packets, result } = await speakToFake(speech);
    expect(kinds(packets)).toBe('AAAAAsssssAAAAAsssss');
    expect(result.gapsMs).toEqual([200]);
    expect(packets.filter((p) => !isSilence(p)).map((p) => p.opus)).toEqual([
      ...speech.opusFrames.slice(0, 5),
      ...speech.opusFrames.slice(20),
    ]);
  });

  it('a fixture pair with a 300 ms pause gives exactly one 200 ms gap after phrase A', async () => {
    const clip = fixtureWithPause({ fixture: 'en-alice', part: 'first' }, 300, {
      fixture: 'en-bob',
      part: 'first',
    });
    expect(clip.measured).toEqual([clip.pause]);
    const { packets, result } = await speakToFake(clip.pcm);
    // The pause rarely falls on a 20 ms boundary: the frame holding phrase A's last sound is voiced.
    expect(result.gapsMs).toHaveLength(1);
    expect(result.gapsMs[0]).toBeGreaterThanOrEqual(180);
    expect(result.gapsMs[0]).toBeLessThanOrEqual(200);
    expect(kinds(packets)).toMatch(/^A+sssssA+sssss$/);
    expect(seqSteps(packets).every((d) => d === 1)).toBe(true);
    const jump = tsSteps(packets).find((d) => d !== 960);
    expect(jump).toBe(((result.gapsMs[0] ?? 0) / 20 + 1) * 960);
  });
});

describe('the RTP clock between utterances', () => {
  it('an utterance ends at its last packet; a clip with no speech sends nothing', async () => {
    const { packets, state } = await speakToFake(withPauses([tone(100), { pauseMs: 500 }]).pcm);
    expect(packets).toHaveLength(10);
    expect(state.timestamp).toBe((0xffff_fe00 + 10 * 960) >>> 0);
    const silent = await speakToFake(new Int16Array(48_000));
    expect(silent.packets).toHaveLength(0);
    expect(silent.state).toMatchObject({ sequence: 65_530, timestamp: 0xffff_fe00 });
  });

  it('advances by the time since the last utterance ended, like a capture clock', async () => {
    const state: RtpSenderState = { ssrc: 7, sequence: 0, timestamp: 0, clockAtMs: performance.now() - 1000 };
    const packets: RtpPacketSpec[] = [];
    await speakPcm(tone(40), state, (p) => packets.push(p) > 0, { silenceFrames: 0 });
    const first = packets[0]?.timestamp ?? 0;
    expect(first % 960).toBe(0);
    expect(first).toBeGreaterThanOrEqual(50 * 960);
    expect(packets.map((p) => p.sequence)).toEqual([0, 1]);
  });
});

describe('speakPcm in push-to-talk and open-mic modes', () => {
  const clip = () => withPauses([tone(100), { pauseMs: 200 }, tone(100)]).pcm;

  it('push-to-talk sends the pause as audio and 5 silence frames at release', async () => {
    const { packets, result } = await speakToFake(clip(), { mode: 'push-to-talk' });
    expect(kinds(packets)).toBe(`${'A'.repeat(20)}sssss`);
    expect(result).toMatchObject({ packetsSilence: 5, gapsMs: [] });
    expect(tsSteps(packets).every((d) => d === 960)).toBe(true);
  });

  it('open-mic sends every frame and room silence, never a silence frame', async () => {
    const { packets, result } = await speakToFake(clip(), { mode: 'open-mic', roomSilenceMs: 60 });
    expect(kinds(packets)).toBe('A'.repeat(23));
    expect(result).toMatchObject({ packetsSilence: 0, gapsMs: [], packetsSent: 23 });
  });
});

describe('withPauses and measurePauses', () => {
  it('places each pause exactly and measures it back', () => {
    const { pcm, pauses } = withPauses([tone(100), { pauseMs: 150 }, tone(50), { pauseMs: 30 }, tone(20)]);
    expect(pcm.length).toBe(350 * 48);
    expect(pauses).toEqual([
      { atMs: 100, ms: 150 },
      { atMs: 300, ms: 30 },
    ]);
    expect(measurePauses(pcm)).toEqual(pauses);
  });

  it('rejects a negative pause with a clear error', () => {
    expect(() => withPauses([{ pauseMs: -1 }])).toThrow(/pauseMs must be ≥ 0/);
  });
});
