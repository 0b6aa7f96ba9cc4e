import { FakeVoice, silentLogger } from '@troupe/discord/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  GUILD_ID,
  type Harness,
  runCommand,
  startHarness,
  TEXT_CHANNEL_ID,
  VOICE_CHANNEL_ID,
} from '../../src/demo/harness.ts';

let h: Harness;
const voice = new FakeVoice();
beforeAll(async () => {
  h = await startHarness({ logger: silentLogger(), createVoice: () => voice });
});
afterAll(async () => {
  await h?.close();
});

describe('transcripts over discord-sim', () => {
  it('posts user and persona lines through one channel webhook under their names', async () => {
    await runCommand(h, 'Admin', 'settings', 'transcripts', { enabled: true, channel: TEXT_CHANNEL_ID });
    const persona = (await h.bot.registry.get(GUILD_ID, 'captain-mara'))!.persona;
    const line = (role: 'user' | 'assistant', speaker: string, text: string) =>
      voice.fire('transcript', {
        guildId: GUILD_ID,
        channelId: VOICE_CHANNEL_ID,
        role,
        speaker,
        text,
        persona,
      });
    line('user', 'Alice', 'Ahoy captain!');
    line('assistant', persona.name, 'Aye, welcome aboard.');
    await h.bot.transcripts.flush();
    const posted = h.discord.messages.filter((m) => m.via === 'webhook');
    expect(posted.map((m) => [m.channelId, m.body.username, m.content])).toEqual([
      [TEXT_CHANNEL_ID, 'Alice', 'Ahoy captain!'],
      [TEXT_CHANNEL_ID, persona.name, 'Aye, welcome aboard.'],
    ]);
    expect(h.discord.webhooks.size).toBe(1);
  });
});
