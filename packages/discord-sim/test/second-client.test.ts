// A further bot account: a second, independent discord.js + @discordjs/voice client with DAVE on
// joins the same channel. The sim relays media between the two like Discord's SFU.
import { EndBehaviorType, type VoiceConnection } from '@discordjs/voice';
import { Client, GatewayIntentBits } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, joinBot, loginOtherBot, playFrames, startHarness, toneFrames } from './harness.ts';

function collect(connection: VoiceConnection, userId: string): Promise<Buffer[]> {
  const stream = connection.receiver.subscribe(userId, {
    end: { behavior: EndBehaviorType.AfterSilence, duration: 300 },
  });
  const packets: Buffer[] = [];
  return new Promise((resolve, reject) => {
    stream.on('data', (p: Buffer) => packets.push(p));
    stream.on('end', () => resolve(packets));
    stream.on('error', reject);
  });
}

const audible = (packets: Buffer[]) => packets.map((p) => p.toString('hex')).filter((x) => x !== 'f8fffe');

describe('a second bot account with its own token', () => {
  let h: Harness | undefined;
  let other: Client | undefined;
  afterEach(async () => {
    await other?.destroy();
    other = undefined;
    await h?.close();
    h = undefined;
  });

  it('logs in with its own token, sees the guild, and is refused with the wrong one', async () => {
    h = await startHarness({ bots: [{ username: 'echo' }] });
    other = await loginOtherBot(h, 'echo');
    expect(other.user?.id).toBe(h.sim.user('echo').id);
    expect(other.user?.id).not.toBe(h.sim.botUserId);
    expect(other.guilds.cache.get(h.sim.guildId())?.name).toBe('Tavern');
    const impostor = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: h.sim.restApi } });
    await expect(impostor.login('sim.not-a-token')).rejects.toThrow(/Authentication failed/);
    await impostor.destroy();
  });

  it('both bots join one E2EE group and hear each other through the relay', async () => {
    h = await startHarness({ bots: [{ username: 'echo' }] });
    const sim = h.sim;
    other = await loginOtherBot(h, 'echo');
    const mine = await joinBot(h);
    const theirs = await joinBot(h, 'Hearth', { client: other });
    await sim.until(() => sim.dave.settled('Hearth') && sim.dave.group('Hearth')?.leaves.length === 3);
    expect(theirs.voicePrivacyCode).toBe(mine.voicePrivacyCode);
    expect(sim.botVoice(undefined, 'echo')?.daveVersion).toBe(1);

    // The application's bot speaks: the other client and alice hear it, decrypted.
    const frames = toneFrames(440, 600);
    const heardByOther = collect(theirs, sim.botUserId);
    await playFrames(mine, frames);
    expect(audible(await heardByOther)).toEqual(frames.map((f) => f.toString('hex')));
    expect(
      sim
        .listener('alice')
        .heard()
        .packets.filter((p) => p.e2ee === 'decrypted').length,
    ).toBe(frames.length);

    // The other client speaks: the application's bot hears it.
    const back = toneFrames(660, 400);
    const heardByMine = collect(mine, sim.user('echo').id);
    await playFrames(theirs, back);
    expect(audible(await heardByMine)).toEqual(back.map((f) => f.toString('hex')));
    expect(sim.listener('alice', { from: 'echo' }).heard().unencryptedFrames).toBe(0);
    expect(sim.stats.voice.relayed).toBeGreaterThanOrEqual(frames.length + back.length);
  });

  it('when the other bot leaves, the group drops it and the rest keep talking', async () => {
    h = await startHarness({ bots: [{ username: 'echo' }] });
    const sim = h.sim;
    other = await loginOtherBot(h, 'echo');
    const mine = await joinBot(h);
    const theirs = await joinBot(h, 'Hearth', { client: other });
    await sim.until(() => sim.dave.group('Hearth')?.leaves.filter(Boolean).length === 3);
    theirs.destroy();
    await sim.until(
      () => sim.dave.settled('Hearth') && !sim.dave.group('Hearth')?.leaves.includes(sim.user('echo').id),
    );
    const frames = toneFrames(300, 400);
    await playFrames(mine, frames);
    expect(
      sim
        .listener('alice')
        .heard()
        .packets.filter((p) => p.e2ee === 'decrypted').length,
    ).toBe(frames.length);
  });
});
