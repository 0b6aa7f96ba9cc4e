// Issue 7, voice side: Discord voice close codes the library recovers from, and gateway loss,
// through the real bot (createBot, @discordjs/voice 0.19.2) against discord-sim and realtime-sim.
// After each the session stays up, nothing is posted to the channel, the model connection is
// untouched, and voice works both ways (a member's labelled turn is answered and heard).
//   4015 (voice server crashed)      → resume: op 7, no new Identify, no new op 4
//   4006 (session no longer valid)   → rejoin: one op 4, one Identify
//   gateway dropped (4000)           → the gateway resumes; voice never notices
//   gateway dropped, then 4006 while it is down → the rejoin waits for the gateway, then happens
//   garbage on the voice WebSocket (bad JSON, unknown opcode, a 1-byte binary frame) → dropped
// The codes that end a session are in fault-close-stop.test.ts.

import { protectConnection } from '@troupe/discord/internal/voice/connection-guard.ts';
import { fixturePath, readWav } from '@troupe/discord-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectionOf,
  joinByCommand,
  logsMatching,
  startVoiceFaultWorld,
  type VoiceFaultWorld,
  voiceWorks,
} from './fault-voice-world.ts';

/** 1.5 s of speech: enough for a labelled turn the model answers. */
const CLIP = readWav(fixturePath('en-bob')).samples.slice(0, 72_000);

let v: VoiceFaultWorld;
beforeAll(async () => {
  v = await startVoiceFaultWorld(['Pleb']);
  await joinByCommand(v, 'Pleb');
  await v.w.realtime!.waitFor(() => v.w.realtime!.responses[0]?.status === 'completed' || undefined);
}, 30_000);
afterAll(async () => {
  await v?.close();
});

/** What a recoverable fault must leave unchanged. */
function stillUp() {
  expect(v.w.bot.voice.get(v.g.id)).toBeDefined();
  // Nothing posted in the channel but the consent notice of the join: no "stopped listening".
  expect(v.w.discord.messages.filter((m) => m.channelId === v.g.voiceId).map((m) => m.content)).toEqual([
    expect.stringMatching(/an AI character, is now listening/),
  ]);
  expect(logsMatching(v.w, /voice session ended/)).toEqual([]);
  expect(v.w.realtime!.sessions).toHaveLength(1);
  expect(v.crashes).toEqual([]);
}

function counters() {
  const { voice, gateway } = v.w.discord.stats;
  return {
    voiceIdentifies: voice.identifies,
    voiceReadies: voice.readies,
    voiceResumes: voice.resumes,
    op4: v.w.discord.faults.voiceStateUpdates,
    gatewayIdentifies: gateway.identifies,
    gatewayResumes: gateway.resumes,
  };
}

describe('voice closes the library recovers from, through the bot', () => {
  it('4015: resumes the voice session', async () => {
    const before = counters();
    v.w.discord.faults.closeVoice(4015);
    await v.w.discord.until(() => v.w.discord.stats.voice.resumes === before.voiceResumes + 1);
    await voiceWorks(v, 'Pleb', CLIP);
    expect(counters()).toEqual({ ...before, voiceResumes: before.voiceResumes + 1 });
    stillUp();
  }, 20_000);

  for (const code of [4006]) {
    it(`${code}: rejoins with one op 4 and one Identify`, async () => {
      const before = counters();
      v.w.discord.faults.closeVoice(code);
      await v.w.discord.until(() => v.w.discord.stats.voice.readies === before.voiceReadies + 1);
      await voiceWorks(v, 'Pleb', CLIP);
      expect(counters()).toEqual({
        ...before,
        voiceIdentifies: before.voiceIdentifies + 1,
        voiceReadies: before.voiceReadies + 1,
        op4: before.op4 + 1,
      });
      expect(connectionOf(v).rejoinAttempts).toBe(0);
      stillUp();
    }, 20_000);
  }

  it('gateway dropped: the gateway resumes and voice never notices', async () => {
    const before = counters();
    v.w.discord.faults.killGateway(4000);
    await v.w.discord.until(() => v.w.discord.stats.gateway.resumes === before.gatewayResumes + 1);
    await voiceWorks(v, 'Pleb', CLIP);
    expect(counters()).toEqual({ ...before, gatewayResumes: before.gatewayResumes + 1 });
    stillUp();
  }, 20_000);

  it('gateway dropped and the voice socket closed while it is down: rejoins once the gateway is back', async () => {
    const before = counters();
    v.w.discord.faults.killGateway(4000);
    v.w.discord.faults.closeVoice(4006);
    await v.w.discord.until(() => v.w.discord.stats.gateway.resumes === before.gatewayResumes + 1);
    await v.w.discord.until(() => v.w.discord.stats.voice.readies === before.voiceReadies + 1, 15_000);
    await voiceWorks(v, 'Pleb', CLIP);
    expect(counters()).toMatchObject({
      voiceIdentifies: before.voiceIdentifies + 1,
      voiceReadies: before.voiceReadies + 1,
      gatewayResumes: before.gatewayResumes + 1,
      gatewayIdentifies: before.gatewayIdentifies,
    });
    stillUp();
  }, 30_000);

  it('garbage frames on the voice WebSocket are dropped, not thrown', async () => {
    const shield = protectConnection(connectionOf(v));
    const before = { errors: shield.errors, badFrames: shield.badFrames };
    const frames = ['{"op": 5, "d": ', 'not json', '{"op": 9999, "d": {}}', Uint8Array.of(1)];
    for (const f of frames) expect(v.w.discord.faults.voiceFrame(f)).toBe(1);
    await v.w.discord.until(() => shield.badFrames > before.badFrames);
    await voiceWorks(v, 'Pleb', CLIP);
    // Both malformed JSON frames surface as connection errors (logged); the unknown opcode is ignored.
    expect(shield.errors - before.errors).toBe(2);
    // @discordjs/voice reads 3 header bytes of a binary frame unchecked: a 1-byte frame threw out of the socket.
    expect(shield.badFrames - before.badFrames).toBe(1);
    stillUp();
  }, 20_000);
});
