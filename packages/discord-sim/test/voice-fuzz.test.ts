// The raw-packet faults against the real @discordjs/voice client: what arrives at its UDP socket,
// in bursts, and what its receiver makes of the fuzz it can open.
import { EndBehaviorType, type VoiceConnection } from '@discordjs/voice';
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, joinBot, startHarness } from './harness.ts';

interface Receiver {
  onUdpMessage(msg: Buffer): void;
}

/**
 * Takes the client's UDP socket over: every datagram is recorded instead of handed to the receiver
 * (@discordjs/voice 0.19.2 throws on 9–11 byte datagrams; the bot guards against that, this test does not).
 */
function tapSocket(connection: VoiceConnection): Buffer[] {
  const state = connection.state as { networking?: { state?: { udp?: NodeJS.EventEmitter } } };
  const udp = state.networking?.state?.udp;
  if (!udp) throw new Error('no UDP socket');
  udp.off('message', (connection.receiver as unknown as Receiver).onUdpMessage);
  const got: Buffer[] = [];
  udp.on('message', (m: Buffer) => got.push(m));
  return got;
}

/** Datagrams to the client raise no sim event to wait on: poll briefly. */
async function eventually(done: () => boolean, timeoutMs = 5000): Promise<void> {
  const until = performance.now() + timeoutMs;
  while (!done()) {
    if (performance.now() > until) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('raw voice faults', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('sendRawUdp delivers every datagram, in order, in bursts', async () => {
    h = await startHarness();
    const got = tapSocket(await joinBot(h));
    const datagrams = Array.from({ length: 2000 }, (_, i) =>
      Uint8Array.of(i >> 8, i & 255, ...new Array(i % 40)),
    );
    expect(await h.sim.sendRawUdp(datagrams)).toEqual({ sent: 2000, undelivered: 0 });
    await eventually(() => got.length === 2000);
    expect(got.map((g) => g.length)).toEqual(datagrams.map((d) => d.length));
    expect(got.every((g, i) => g[0] === i >> 8 && g[1] === (i & 255))).toBe(true);
    expect(h.sim.stats.voice.rawToBot).toBe(2000);
  });

  it('prepareVoiceFuzz: exactly the requested datagrams reach the client; the receiver decodes what the plan says', async () => {
    h = await startHarness();
    const connection = await joinBot(h);
    const fuzz = await h.sim.prepareVoiceFuzz('alice', { packets: 1200, seed: 9, rounds: 1 });
    // Only the survivable part, through the real receiver: without the bot's guard a runt throws
    // there, and an extension look-alike loses its payload (both @discordjs/voice 0.19.2 bugs).
    const round = fuzz.plan[0];
    if (!round) throw new Error('no round');
    const safe = round.survivable.filter((d) => d.kind !== 'runt' && d.kind !== 'ext-lookalike');
    const stream = connection.receiver.subscribe(h.sim.user('alice').id, {
      end: { behavior: EndBehaviorType.AfterSilence, duration: 500 },
    });
    const opus: Buffer[] = [];
    stream.on('data', (p: Buffer) => opus.push(p));
    const ended = new Promise((resolve) => stream.once('end', resolve));
    await h.sim.sendRawUdp(safe.map((d) => d.bytes));
    await ended;
    const delivered = safe.filter((d) => d.fate === 'delivered');
    expect(opus.map((p) => p.toString('hex'))).toEqual(
      delivered.map((d) => Buffer.from(d.opus ?? []).toString('hex')),
    );
    // The whole plan, runts too, reaches the socket.
    const got = tapSocket(connection);
    const report = await fuzz.run();
    await eventually(() => got.length >= 1200);
    expect(report).toMatchObject({ packets: 1200, sent: 1200, undelivered: 0, rounds: 1 });
    expect(got).toHaveLength(1200);
  });

  it('refuses to fuzz for someone not in the bot’s voice channel, saying what to do', async () => {
    h = await startHarness();
    await joinBot(h);
    await expect(h.sim.prepareVoiceFuzz('bob', { packets: 10, seed: 1 })).rejects.toThrow(
      /bob is not in a voice channel with a connected bot; join both first/,
    );
  });

  it('stopVoiceCloses ends a close storm; voiceFrame reaches the client socket', async () => {
    h = await startHarness();
    await joinBot(h);
    const sim = h.sim;
    sim.faults.closeVoice(4006, { repeat: 2 });
    sim.faults.stopVoiceCloses();
    await sim.until(() => sim.stats.voice.readies === 2);
    expect(sim.stats.voice.closes.map((c) => c.code)).toEqual([4006]);
    expect(sim.faults.voiceFrame('{"op": 9999}')).toBe(1);
  });
});
