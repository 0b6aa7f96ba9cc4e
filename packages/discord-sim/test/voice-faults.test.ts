import { entersState, VoiceConnectionStatus } from '@discordjs/voice';
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, joinBot, startHarness } from './harness.ts';

describe('voice close codes produce what the real client does (discord-voice.md §1.2)', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('4014: disconnected, no rejoin', async () => {
    h = await startHarness();
    const connection = await joinBot(h);
    const before = h.sim.faults.voiceStateUpdates;
    h.sim.faults.closeVoice(4014);
    await entersState(connection, VoiceConnectionStatus.Disconnected, 5_000);
    expect(
      connection.state.status === VoiceConnectionStatus.Disconnected &&
        connection.state.reason === 0 &&
        connection.state.closeCode,
    ).toBe(4014);
    expect(connection.rejoinAttempts).toBe(0);
    expect(h.sim.faults.voiceStateUpdates).toBe(before);
    expect(h.sim.world.guild().voiceStates.has(h.sim.botUserId)).toBe(false);
  });

  it('4015: the client resumes (op 7 → op 9) without a new op 4', async () => {
    h = await startHarness();
    const connection = await joinBot(h);
    const sim = h.sim;
    sim.faults.closeVoice(4015);
    await sim.until(() => sim.stats.voice.resumes === 1);
    await entersState(connection, VoiceConnectionStatus.Ready, 5_000);
    expect(sim.faults.voiceStateUpdates).toBe(1);
    expect(sim.stats.voice.identifies).toBe(1);
  });

  for (const code of [4006, 4022]) {
    it(`${code}: the client rejoins through the main gateway and identifies again`, async () => {
      h = await startHarness();
      const connection = await joinBot(h);
      const sim = h.sim;
      sim.faults.closeVoice(code);
      await sim.until(() => sim.stats.voice.identifies === 2 && sim.stats.voice.readies === 2);
      await entersState(connection, VoiceConnectionStatus.Ready, 5_000);
      // rejoinAttempts resets to 0 once Ready again, so count the rejoin on the wire instead.
      expect(sim.faults.voiceStateUpdates).toBe(2);
      expect(sim.stats.voice.resumes).toBe(0);
    });
  }

  it('4017 on every identify: a rejoin storm the test bounds with rejoinAttempts', async () => {
    h = await startHarness();
    const connection = await joinBot(h);
    const sim = h.sim;
    const limit = 3;
    const destroyed = new Promise<void>((resolve) => {
      connection.on('stateChange', (_old, next) => {
        // Deferred: destroying inside the client's own stateChange breaks its rejoin() mid-flight.
        if (next.status === VoiceConnectionStatus.Signalling && connection.rejoinAttempts >= limit)
          setImmediate(() => connection.destroy());
        if (next.status === VoiceConnectionStatus.Destroyed) resolve();
      });
    });
    sim.faults.closeVoice(4017, { repeat: 1000 });
    await destroyed;
    await sim.until(() => sim.faults.voiceStateUpdates >= 1 + limit + 1);
    // One op 4 for the join, one per rejoin, and one (channel null) from destroy().
    expect(sim.faults.voiceStateUpdates).toBe(1 + limit + 1);
    // The first close hits the Ready socket, then one per rejoin's Identify (the last may race the destroy).
    const closes = sim.stats.voice.closes.filter((c) => c.code === 4017).length;
    expect(closes).toBeGreaterThanOrEqual(limit);
    expect(closes).toBeLessThanOrEqual(limit + 1);
  });
});
