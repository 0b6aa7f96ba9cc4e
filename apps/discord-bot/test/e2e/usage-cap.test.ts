import { silentLogger } from '@troupe/discord/testing';
import { fixturePath } from '@troupe/discord-sim';
import { utcDay } from '@troupe/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  GUILD_ID,
  type Harness,
  runCommand,
  startHarness,
  VOICE_CHANNEL_ID,
} from '../../src/demo/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ logger: silentLogger() });
});
afterAll(async () => {
  await h?.close();
});

describe('daily cap with the real voice layer', () => {
  it('warns in character near the cap, leaves at it, and refuses /join until the reset', {
    timeout: 120_000,
  }, async () => {
    expect((await runCommand(h, 'Admin', 'settings', 'cap', { minutes: 1 })).content).toContain('1 min');
    // 45 s already used today: the next turns cross 80 %, then 100 %. Usage is what was sent and
    // played (replies cut short by a barge-in count only what was heard), so Alice talks until the
    // cap ends the session, within a bounded number of turns.
    await h.store.addUsage(GUILD_ID, utcDay(Date.now()), 45_000, 0);
    h.discord.joinVoice('Alice', VOICE_CHANNEL_ID);
    expect((await runCommand(h, 'Alice', 'join', undefined, { persona: 'captain-mara' })).content).toContain(
      'joined',
    );
    const ended = new Promise<string>((resolve) => h.bot.voice.on('sessionEnded', (e) => resolve(e.reason)));
    await h.discord.speak('Alice', fixturePath('en-alice'));
    await h.realtime.waitFor(
      () => h.realtime.responses.find((r) => /almost up/.test(r.instructions)),
      15_000,
    );
    let reason: string | undefined;
    void ended.then((r) => {
      reason = r;
    });
    // Bounded: a session that never reaches its cap fails here instead of hanging the suite.
    let turns = 0;
    for (; turns < 12 && reason === undefined; turns++)
      await h.discord.speak('Alice', fixturePath('en-alice'));
    const settled = await Promise.race([
      ended,
      new Promise<string>((resolve) =>
        setTimeout(() => resolve(`still running after ${turns} turns`), 20_000),
      ),
    ]);
    expect(settled).toBe('cap');
    // The meter's last write follows the session's end.
    await expect
      .poll(async () => {
        const used = await h.store.getUsage(GUILD_ID, utcDay(Date.now()));
        return used.inputAudioMs + used.outputAudioMs;
      })
      .toBeGreaterThanOrEqual(60_000);
    const refused = await runCommand(h, 'Alice', 'join', undefined, { persona: 'captain-mara' });
    expect(refused.content).toMatch(/cap/i);
    expect(h.bot.voice.get(GUILD_ID)).toBeUndefined();
  });
});
