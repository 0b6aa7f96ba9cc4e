import type { VoiceConnection } from '@discordjs/voice';
import { SILENCE_FRAME } from '@troupe/opus';
import { afterEach, describe, expect, it } from 'vitest';
import { parseRtpPacket, sineTone, withPauses } from '../src/index.ts';
import { type Harness, joinBot, startHarness } from './harness.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** Listens on the bot's own UDP socket (alongside its receiver) and keeps the raw datagrams. */
function tapSocket(connection: VoiceConnection): Buffer[] {
  const state = connection.state as { networking?: { state?: { udp?: NodeJS.EventEmitter } } };
  const udp = state.networking?.state?.udp;
  if (!udp) throw new Error('no UDP socket');
  const got: Buffer[] = [];
  udp.on('message', (m: Buffer) => got.push(m));
  return got;
}

describe('a voice-activity user over the real voice socket', () => {
  it('pauses 300 ms: 5 silence frames, then nothing, RTP timestamp advanced by the pause', async () => {
    h = await startHarness();
    const connection = await joinBot(h);
    const datagrams = tapSocket(connection);
    const tone = sineTone(300, 200, 48_000, 0.3);
    const result = await h.sim.speak('alice', withPauses([tone, { pauseMs: 300 }, tone]).pcm);
    expect(result.packetsSent).toBe(30);
    const session = h.sim.botVoice();
    if (!session?.key || !session.mode) throw new Error('bot has no voice session');
    const { key, mode } = session;
    const parse = () => datagrams.flatMap((d) => parseRtpPacket(mode, key, d) ?? []);
    // The last datagrams may still be on loopback: poll (a count, not a time, is asserted).
    for (let tries = 0; parse().length < 30 && tries < 500; tries++)
      await new Promise((resolve) => setTimeout(resolve, 10));
    const packets = parse();
    expect(packets).toHaveLength(30);
    const kinds = packets
      .map((p) => (Buffer.from(p.opus).equals(Buffer.from(SILENCE_FRAME)) ? 's' : 'A'))
      .join('');
    expect(kinds).toBe(`${'A'.repeat(10)}sssss${'A'.repeat(10)}sssss`);
    const seq = packets.slice(1).map((p, i) => (p.sequence - (packets[i]?.sequence ?? 0)) & 0xffff);
    expect(seq.every((d) => d === 1)).toBe(true);
    const ts = packets.slice(1).map((p, i) => (p.timestamp - (packets[i]?.timestamp ?? 0)) >>> 0);
    expect(ts[14]).toBe(11 * 960);
    expect(ts.filter((d) => d !== 960)).toHaveLength(1);
  });
});
