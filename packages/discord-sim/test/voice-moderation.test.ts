// What moderators and channel settings do to a bot's voice connection: a user limit keeps it out
// (unless it may Move Members), and dragging it to another channel moves it, however Discord
// carries the move over the voice connection; in an end-to-end encrypted call the bot also moves
// from the old channel's MLS group to the new one's. Driven by the real discord.js + @discordjs/voice.
import { once } from 'node:events';
import { entersState, joinVoiceChannel, type VoiceConnection, VoiceConnectionStatus } from '@discordjs/voice';
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
    it(`a moderator drags the bot (${how}) in an E2EE call: it leaves the old channel's group, joins the new one's, heard there`, async () => {
      h = await startHarness();
      const sim = h.sim;
      const connection = await joinBot(h, 'Hearth');
      const frameErrors = containVoiceFrameErrors(connection);
      expect(sim.dave.group('Hearth')?.leaves).toContain(sim.botUserId);
      const bob = sim.listener('bob');
      sim.joinVoice('bob', 'Library');
      const states: string[] = [];
      connection.on('stateChange', (_o, n) => states.push(n.status));
      const moved = once(h.client, 'voiceStateUpdate');
      sim.faults.moveBot('Library', how);
      await moved;
      // Gone from Hearth's group whichever way the move went (alice, alone, starts a group afresh).
      expect(sim.dave.group('Hearth')?.participants).not.toContain(sim.botUserId);
      expect(sim.dave.group('Hearth')?.leaves).not.toContain(sim.botUserId);
      if (how === 'state') {
        expect(connection.state.status).toBe(VoiceConnectionStatus.Ready);
        // Same socket, so the server tells it a new group forms (op 24). @discordjs/voice 0.19.2
        // bound its DAVE session to Hearth's group id, and Library's proposals fail on it: like any
        // such client (the bot does it too), it leaves and joins the new channel afresh.
        expect(daveChannelOf(connection)).toBe(sim.channelId('Hearth'));
        const readies = sim.stats.voice.readies;
        connection.disconnect();
        connection.rejoin({ channelId: sim.channelId('Library'), selfDeaf: false, selfMute: false });
        await sim.until(() => sim.stats.voice.readies === readies + 1);
      } else {
        await sim.until(() => sim.stats.voice.readies === 2);
        expect(states).toContain(VoiceConnectionStatus.Connecting);
      }
      await entersState(connection, VoiceConnectionStatus.Ready, 5_000);
      await sim.until(() => sim.dave.settled('Library') && daveReady(connection));
      expect(daveChannelOf(connection)).toBe(sim.channelId('Library'));
      expect(sim.dave.group('Library')?.leaves).toEqual(
        expect.arrayContaining([sim.botUserId, sim.user('bob').id]),
      );
      expect(connection.joinConfig.channelId).toBe(sim.channelId('Library'));
      expect(sim.botVoice()?.channelId).toBe(sim.channelId('Library'));
      expect(h.client.guilds.cache.get(sim.guildId())?.members.me?.voice.channelId).toBe(
        sim.channelId('Library'),
      );
      if (how === '4014') expect(sim.stats.voice.closes.map((c) => c.code)).toContain(4014);
      bob.clear();
      await playFrames(connection, toneFrames(440, 200));
      await bob.waitForPackets(5);
      const heard = bob.heard();
      expect(heard.unencryptedFrames).toBe(0);
      expect(heard.packets.filter((p) => p.e2ee === 'decrypted').length).toBeGreaterThanOrEqual(5);
      expect(sim.listener('alice').heard().packets).toHaveLength(0);
      // Only the kept socket met Library's proposals with Hearth's group.
      if (how !== 'state') expect(frameErrors).toEqual([]);
    });
  }

  it('without E2EE a drag on the same socket needs nothing from the client: the server routes the new channel', async () => {
    h = await startHarness({ dave: false });
    const sim = h.sim;
    const connection = await joinBot(h, 'Hearth', { e2ee: false });
    const bob = sim.listener('bob');
    sim.joinVoice('bob', 'Library');
    const moved = once(h.client, 'voiceStateUpdate');
    sim.faults.moveBot('Library', 'state');
    await moved;
    expect(connection.state.status).toBe(VoiceConnectionStatus.Ready);
    expect(sim.stats.voice.readies).toBe(1);
    await playFrames(connection, toneFrames(440, 200));
    await bob.waitForPackets(5);
    expect(sim.listener('alice').heard().packets).toHaveLength(0);
  });
});

/** The DAVE session of the connection's current voice transport (a pinned version's internals). */
function daveOf(connection: VoiceConnection) {
  const state = connection.state as {
    networking?: { state?: { dave?: { channelId: string; session?: { ready: boolean } } } };
  };
  return state.networking?.state?.dave;
}
const daveChannelOf = (connection: VoiceConnection) => daveOf(connection)?.channelId;
const daveReady = (connection: VoiceConnection) => daveOf(connection)?.session?.ready === true;

/**
 * @discordjs/voice 0.19.2 lets an error thrown while it handles a voice-gateway frame (here davey's
 * WrongGroupId on proposals for a group other than the one its DAVE session was made for) escape
 * the socket's message handler, i.e. become an uncaught exception. A client has to contain that;
 * the bot does (discordjs-voice-0.19.2-patches.ts), and so does this test's client.
 */
function containVoiceFrameErrors(connection: VoiceConnection): string[] {
  const errors: string[] = [];
  const wrapped = new WeakSet<object>();
  const wrap = () => {
    const ws = (connection.state as { networking?: { state?: { ws?: { onMessage(e: unknown): void } } } })
      .networking?.state?.ws;
    if (!ws || wrapped.has(ws)) return;
    wrapped.add(ws);
    const onMessage = ws.onMessage.bind(ws);
    ws.onMessage = (e) => {
      try {
        onMessage(e);
      } catch (err) {
        errors.push((err as Error).message);
      }
    };
  };
  wrap();
  connection.on('stateChange', (_o, next) => {
    wrap();
    (next as { networking?: NodeJS.EventEmitter }).networking?.on('stateChange', wrap);
  });
  (connection.state as { networking?: NodeJS.EventEmitter }).networking?.on('stateChange', wrap);
  return errors;
}
