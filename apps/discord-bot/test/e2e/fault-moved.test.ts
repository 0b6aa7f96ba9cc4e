// Issue 13 item 6: a moderator drags the bot into another voice channel. Discord always sends the
// bot's new voice state, but the voice connection follows in different ways (same socket, a new
// voice server, or a 4014 close first). Each way, the session follows the bot: it hears and
// answers people in the new channel, counts them (it does not leave as "empty" because the old
// channel emptied), the store records the new channel for a restart, and /join answers as it
// should from either channel. The calls are end-to-end encrypted (DAVE) and the MLS group is the
// channel's: every way, the bot leaves the old channel's group and joins the new one's, over a new
// voice server or, when Discord kept the old socket, by joining the new channel afresh.
import { fixturePath, readWav } from '@troupe/discord-sim';
import { afterEach, describe, expect, it } from 'vitest';
import {
  joinByCommand,
  startVoiceFaultWorld,
  type VoiceFaultWorld,
  voiceWorks,
} from './fault-voice-world.ts';

const CLIP = readWav(fixturePath('en-alice')).samples.slice(0, 72_000);

let v: VoiceFaultWorld | undefined;
afterEach(async () => {
  await v?.close();
  v = undefined;
});

async function slash(world: VoiceFaultWorld, user: string): Promise<string> {
  const h = await world.w.discord.slash({ user, guild: world.g.id, channel: world.g.textId }, 'join');
  await h.edited(1, 20_000);
  return h.content ?? '';
}

describe('a moderator moves the bot to another voice channel', () => {
  for (const how of ['state', 'server', '4014'] as const) {
    it(`follows it (${how === 'state' ? 'same voice socket' : how === 'server' ? 'new voice server' : '4014, then a new voice server'})`, async () => {
      // A short empty-channel timeout: the old channel empties right after the move.
      v = await startVoiceFaultWorld(['Pleb'], { idleLeaveMs: 1000 });
      const { w, g } = v;
      await joinByCommand(v, 'Pleb');
      w.discord.joinVoice('Admin', g.voice2Id);
      const identifies = w.discord.stats.voice.identifies;
      const botId = w.discord.botUserId;
      expect(w.discord.dave.group(g.voiceId)?.leaves).toContain(botId);
      w.discord.faults.moveBot(g.voice2Id, how);
      await w.discord
        .until(() => w.bot.voice.get(g.id)?.channelId === g.voice2Id, 10_000)
        .catch(() => undefined);
      expect(w.bot.voice.get(g.id)?.channelId).toBe(g.voice2Id);
      // A new voice handshake every way (for the kept socket: the bot's fresh join), ending in the
      // new channel's E2EE group with Admin; the old channel's group no longer has the bot.
      await w.discord.until(() => w.discord.stats.voice.identifies > identifies, 10_000);
      await w.discord.until(
        () =>
          w.discord.dave.settled(g.voice2Id) && !!w.discord.dave.group(g.voice2Id)?.leaves.includes(botId),
        10_000,
      );
      expect(w.discord.dave.group(g.voiceId)?.participants).not.toContain(botId);
      expect(w.discord.dave.group(g.voiceId)?.leaves).not.toContain(botId);
      w.discord.leaveVoice('Pleb');
      // Heard and answered in the new channel, for longer than the empty-channel timeout.
      await voiceWorks(v, 'Admin', CLIP);
      await voiceWorks(v, 'Admin', CLIP);
      const session = w.bot.voice.get(g.id);
      expect(session?.channelId).toBe(g.voice2Id);
      expect(session?.status().heard.map((h) => h.displayName)).toContain('Admin');
      await expect
        .poll(() => w.store.listVoiceSessions())
        .toEqual([expect.objectContaining({ guildId: g.id, channelId: g.voice2Id })]);
      // /join: from the new channel "already in", from the old one "already talking in" the new one.
      expect(await slash(v, 'Admin')).toContain(`already in <#${g.voice2Id}>`);
      w.discord.joinVoice('Pleb', g.voiceId);
      expect(await slash(v, 'Pleb')).toContain(`already talking in <#${g.voice2Id}>`);
      // Nothing announced an end; one voice connection, one model session.
      expect(w.discord.messages.filter((m) => /session ended/.test(m.content ?? ''))).toEqual([]);
      expect(w.realtime!.sessions.filter((s) => !s.closed)).toHaveLength(1);
      expect(w.discord.openVoiceSockets()).toBe(1);
      // Nothing the listeners got from the bot went out in the clear.
      expect(w.discord.listener('Admin').heard().unencryptedFrames).toBe(0);
      expect(w.discord.listener('Pleb').heard().unencryptedFrames).toBe(0);
    }, 60_000);
  }
});
