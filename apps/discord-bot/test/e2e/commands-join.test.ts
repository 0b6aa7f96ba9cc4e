import { silentLogger } from '@troupe/discord/testing';
import { fixturePath } from '@troupe/discord-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  GUILD_ID,
  type Harness,
  runCommand,
  startHarness,
  VOICE_CHANNEL_ID,
  XIAOMING_ID,
} from '../../src/demo/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ logger: silentLogger() });
});
afterAll(async () => {
  await h?.close();
});

describe('/join and /leave with the real voice layer', () => {
  it('joins the caller’s channel, respects /voice optout, switches persona and leaves cleanly', async () => {
    h.discord.joinVoice('Alice', VOICE_CHANNEL_ID);
    h.discord.joinVoice('小明', VOICE_CHANNEL_ID);
    expect((await runCommand(h, '小明', 'voice', 'optout')).content).toContain('will not be sent');
    expect((await runCommand(h, 'Alice', 'join', undefined, { persona: 'captain-mara' })).content).toContain(
      'joined',
    );
    expect(h.bot.voice.get(GUILD_ID)?.channelId).toBe(VOICE_CHANNEL_ID);
    const before = h.realtime.responses.length;
    await h.discord.speak(XIAOMING_ID, fixturePath('zh-mei'));
    await h.discord.speak('Alice', fixturePath('en-alice'));
    await h.realtime.waitFor(
      () => h.realtime.responses.slice(before).find((r) => r.labels.includes('Alice')),
      15_000,
    );
    expect(h.realtime.responses.flatMap((r) => r.labels)).not.toContain('小明');
    // /voice status says the call is end-to-end encrypted, with the code the members' clients show.
    const status = (await runCommand(h, 'Alice', 'voice', 'status')).content;
    const code = h.discord.dave.participant('Alice')?.privacyCode.replace(/(\d{5})(?=\d)/g, '$1 ');
    expect(status).toMatch(/Encryption\nend-to-end \(DAVE v1\) · epoch \d+ · privacy code (\d{5} ){5}\d{5}/);
    expect(status).toContain(`privacy code ${code}`);
    const switched = await runCommand(h, 'Alice', 'persona', 'set', { persona: 'shuoshu-ren' });
    expect(switched.content).toContain('Switched');
    expect(h.bot.voice.get(GUILD_ID)?.persona.id).toBe('shuoshu-ren');
    expect((await runCommand(h, 'Alice', 'leave')).content).toContain('left');
    expect(h.bot.voice.get(GUILD_ID)).toBeUndefined();
  });
});
