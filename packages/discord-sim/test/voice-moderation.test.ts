// What moderators and channel settings do to a bot's voice connection: a user limit keeps it out
// (unless it may Move Members), and dragging it to another channel moves it, however Discord
// carries the move over the voice connection. Driven by the real discord.js + @discordjs/voice.
import { once } from 'node:events';
import { entersState, joinVoiceChannel, VoiceConnectionStatus } from '@discordjs/voice';
import { PermissionFlagsBits } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, joinBot, playFrames, startHarness, tavernOptions, toneFrames } from './harness.ts';

function fullLounge(botRoles: string[]) {
  const base = tavernOptions();
  const guild = base.guilds[0]!;
  return {
    guilds: [
      {
        ...guild,
        roles: [...(guild.roles ?? []), { name: 'Mover', permissions: PermissionFlagsBits.MoveMembers }],
        channels: [...guild.channels, { name: 'Lounge', type: 'voice' as const, userLimit: 1 }],
        members: (guild.members ?? []).map((m) => (m.user === 'bob' ? { ...m, voiceChannel: 'Lounge' } : m)),
        botRoles,
      },
    ],
  };
}

describe('voice channels under moderation', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('a full channel keeps the bot out: no voice server is handed out', async () => {
    h = await startHarness(fullLounge([]));
    const guild = h.client.guilds.cache.get(h.sim.guildId())!;
    const lounge = guild.channels.cache.get(h.sim.channelId('Lounge'));
    expect(lounge?.isVoiceBased() && lounge.userLimit).toBe(1);
    expect(lounge?.isVoiceBased() && lounge.full).toBe(true);
    const connection = joinVoiceChannel({
      channelId: h.sim.channelId('Lounge'),
      guildId: guild.id,
      adapterCreator: guild.voiceAdapterCreator,
      selfDeaf: false,
    });
    connection.on('error', () => {});
    await expect(entersState(connection, VoiceConnectionStatus.Ready, 1_500)).rejects.toThrow();
    expect(h.sim.botVoice()).toBeUndefined();
    expect(h.sim.world.guild().voiceStates.get(h.sim.botUserId)).toBeUndefined();
  });

  it('Move Members lets the bot past the user limit', async () => {
    h = await startHarness(fullLounge(['Mover']));
    const connection = await joinBot(h, 'Lounge');
    expect(connection.state.status).toBe(VoiceConnectionStatus.Ready);
    expect(h.sim.botVoice()?.channelId).toBe(h.sim.channelId('Lounge'));
  });

  for (const how of ['state', 'server', '4014'] as const) {
    it(`a moderator drags the bot (${how}): it ends up in the new channel, heard there`, async () => {
      h = await startHarness();
      const sim = h.sim;
      const connection = await joinBot(h, 'Hearth');
      const bob = sim.listener('bob');
      sim.joinVoice('bob', 'Library');
      const states: string[] = [];
      connection.on('stateChange', (_o, n) => states.push(n.status));
      const moved = once(h.client, 'voiceStateUpdate');
      sim.faults.moveBot('Library', how);
      await moved;
      if (how === 'state') expect(connection.state.status).toBe(VoiceConnectionStatus.Ready);
      else {
        await sim.until(() => sim.stats.voice.readies === 2);
        await entersState(connection, VoiceConnectionStatus.Ready, 5_000);
        expect(states).toContain(VoiceConnectionStatus.Connecting);
      }
      expect(connection.joinConfig.channelId).toBe(sim.channelId('Library'));
      expect(sim.botVoice()?.channelId).toBe(sim.channelId('Library'));
      expect(h.client.guilds.cache.get(sim.guildId())?.members.me?.voice.channelId).toBe(
        sim.channelId('Library'),
      );
      if (how === '4014') expect(sim.stats.voice.closes.map((c) => c.code)).toContain(4014);
      await playFrames(connection, toneFrames(440, 200));
      await bob.waitForPackets(5);
      expect(sim.listener('alice').heard().packets).toHaveLength(0);
    });
  }
});
