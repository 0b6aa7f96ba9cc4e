// Issue 7, voice side: the Discord voice closes that must end a session, through the real bot
// (createBot, @discordjs/voice 0.19.2) against discord-sim and realtime-sim. Each time the bot
// stops without hammering Discord and says why in the channel's chat; /join works again after.
//   4014 (kicked, moved, channel deleted) → no rejoin; "disconnected … moved, kicked …"
//   4017 (E2EE/DAVE required)            → no rejoin (a rejoin cannot help); "requires end-to-end encrypted voice … DAVE"
//   4021 (rate limited), 4022 (call terminated) → "should not reconnect" (close code table): no rejoin
//   a rejoin storm (every Identify refused) → at most 5 rejoin attempts reach the voice server
import { fixturePath, readWav } from '@troupe/discord-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  joinByCommand,
  logsMatching,
  startVoiceFaultWorld,
  type VoiceFaultWorld,
  voiceWorks,
} from './fault-voice-world.ts';

const CLIP = readWav(fixturePath('en-bob')).samples.slice(0, 72_000);
const MAX_REJOINS = 5;

let v: VoiceFaultWorld;
beforeAll(async () => {
  v = await startVoiceFaultWorld(['Pleb']);
}, 30_000);
afterAll(async () => {
  await v?.close();
});

/** Joins; resolves with the counters to compare against once the fault is over. */
async function join() {
  await joinByCommand(v, 'Pleb');
  return { identifies: v.w.discord.stats.voice.identifies, notices: notices().length };
}

/** What the bot posted in the voice channel's chat. */
function notices(): string[] {
  return v.w.discord.messages.filter((m) => m.channelId === v.g.voiceId).map((m) => m.content ?? '');
}

/** Resolves with the notice the bot posts once the session has ended. */
async function endedNotice(count: number): Promise<string> {
  await v.w.discord.until(() => notices().length > count && v.w.bot.voice.get(v.g.id) === undefined, 15_000);
  // Nothing left behind: no voice connection in the emulator, none recorded for a restart.
  await v.w.discord.until(() => v.w.discord.botVoice(v.g.id) === undefined);
  await expect
    .poll(async () => (await v.w.store.listVoiceSessions()).filter((s) => s.guildId === v.g.id))
    .toEqual([]);
  return notices()[count] ?? '';
}

describe('voice closes that end the session, through the bot', () => {
  it('4014: stops without rejoining and tells the channel it was disconnected', async ({ annotate }) => {
    const before = await join();
    const op4 = v.w.discord.faults.voiceStateUpdates;
    v.w.discord.faults.closeVoice(4014);
    const notice = await endedNotice(before.notices);
    await annotate(`posted: ${notice}`);
    expect(notice).toMatch(
      /stopped listening because I was disconnected from the voice channel \(moved, kicked, or the channel was deleted\)/,
    );
    expect(notice).toMatch(/Use `\/join` to start again/);
    expect(v.w.discord.stats.voice.identifies).toBe(before.identifies);
    // No rejoin request: at most the op 4 that confirms leaving.
    expect(v.w.discord.faults.voiceStateUpdates - op4).toBeLessThanOrEqual(1);
    expect(logsMatching(v.w, /voice session ended/).at(-1)).toMatchObject({ reason: 'disconnected' });
  }, 20_000);

  it('4017: stops at once, says DAVE is required, and does not rejoin', async ({ annotate }) => {
    const before = await join();
    v.w.discord.faults.closeVoice(4017, { repeat: 100 });
    const notice = await endedNotice(before.notices);
    await annotate(`posted: ${notice}`);
    v.w.discord.faults.stopVoiceCloses();
    expect(notice).toMatch(/requires end-to-end encrypted voice here and my connection could not set it up/);
    expect(v.w.discord.stats.voice.identifies).toBe(before.identifies);
    expect(logsMatching(v.w, /voice server requires DAVE/)).toHaveLength(1);
  }, 20_000);

  for (const [code, said] of [
    [4021, /rate-limited my voice connection, so I stopped instead of retrying/],
    [4022, /Discord ended my voice call/],
  ] as const) {
    it(`${code}: stops without reconnecting and says why`, async ({ annotate }) => {
      const before = await join();
      v.w.discord.faults.closeVoice(code);
      const notice = await endedNotice(before.notices);
      await annotate(`posted: ${notice}`);
      expect(notice).toMatch(said);
      // The library's own rejoin may send one Identify before the session ends; no more follow.
      expect(v.w.discord.stats.voice.identifies - before.identifies).toBeLessThanOrEqual(1);
      expect(logsMatching(v.w, /must not be reconnected/).length).toBeGreaterThan(0);
    }, 20_000);
  }

  it(`a rejoin storm: at most ${MAX_REJOINS} attempts reach the voice server, then it stops and says so`, async ({
    annotate,
  }) => {
    const before = await join();
    v.w.discord.faults.closeVoice(4006, { repeat: 1000 });
    const notice = await endedNotice(before.notices);
    v.w.discord.faults.stopVoiceCloses();
    const attempts = v.w.discord.stats.voice.identifies - before.identifies;
    await annotate(
      `rejoin storm: ${attempts} voice Identify attempts after the first close; posted: ${notice}`,
    );
    expect(attempts).toBe(MAX_REJOINS);
    expect(notice).toMatch(/refused the voice connection 5 times in a row; wait a minute/);
    expect(logsMatching(v.w, /voice rejoin storm/)).toHaveLength(1);
  }, 20_000);

  it('works again after all that: /join, and a member is heard and answered', async () => {
    await join();
    await voiceWorks(v, 'Pleb', CLIP);
    expect(v.crashes).toEqual([]);
  }, 20_000);
});
