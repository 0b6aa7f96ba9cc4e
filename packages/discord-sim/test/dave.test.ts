// DAVE end to end with the real @discordjs/voice 0.19.2 (davey inside): the sim is the voice
// gateway and MLS external sender, simulated users are davey members of the same group.
import { EndBehaviorType, entersState, type VoiceConnection, VoiceConnectionStatus } from '@discordjs/voice';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeSpeech } from '../src/index.ts';
import { looksLikeDaveFrame } from '../src/users/dave-participant.ts';
import { type Harness, joinBot, nextTransition, playFrames, startHarness, toneFrames } from './harness.ts';

const SILENCE = 'f8fffe';

/** Collects a user's Opus packets until the stream ends after silence. */
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

const audio = (packets: Buffer[]) => packets.map((p) => p.toString('hex')).filter((x) => x !== SILENCE);
const speech = encodeSpeech(new Int16Array(48_000 / 5).map((_, i) => Math.round(8000 * Math.sin(i / 9))));
const hexes = (frames: readonly Uint8Array[]) => frames.map((f) => Buffer.from(f).toString('hex'));

describe('DAVE: the sim as an E2EE voice server for the real client', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('negotiates DAVE v1 and forms one group with the bot and the members already in the channel', async () => {
    h = await startHarness();
    const connection = await joinBot(h);
    const sim = h.sim;
    expect(sim.botVoice()?.maxDaveVersion).toBe(1);
    expect(sim.botVoice()?.daveVersion).toBe(1);
    await sim.until(() => sim.dave.settled('Hearth'));
    const group = sim.dave.group('Hearth');
    expect(new Set(group?.leaves)).toEqual(new Set([sim.botUserId, sim.user('alice').id]));
    // Both ends derived the same epoch authenticator: the same voice privacy code.
    expect(connection.voicePrivacyCode).toMatch(/^\d{30}$/);
    expect(sim.dave.participant('alice')?.privacyCode).toBe(connection.voicePrivacyCode);
    expect(sim.stats.voice.dave.rejectedKeyPackages).toEqual([]);
  });

  it('carries end-to-end encrypted audio both ways, frame for frame, with nothing in the clear', async () => {
    h = await startHarness();
    const connection = await joinBot(h);
    const sim = h.sim;
    await sim.until(() => sim.dave.settled('Hearth'));
    const received = collect(connection, sim.user('alice').id);
    await sim.speak('alice', speech);
    expect(audio(await received)).toEqual(hexes(speech.opusFrames));
    const frames = toneFrames(440, 1000);
    await playFrames(connection, frames);
    const heard = sim.listener('alice').heard();
    expect(heard.packets.filter((p) => p.e2ee === 'decrypted').length).toBe(frames.length);
    expect(heard.unencryptedFrames).toBe(0);
    expect(heard.undecryptableFrames).toBe(0);
    expect(sim.stats.voice.unencryptedFromBot).toBe(0);
    expect(heard.pcm.length).toBe(frames.length * 960 * 2);
  });

  it('closes a client that offers no DAVE with 4017 "E2EE/DAVE protocol required"', async () => {
    h = await startHarness();
    const sim = h.sim;
    const guild = h.client.guilds.cache.get(sim.guildId());
    if (!guild) throw new Error('no guild');
    const { joinVoiceChannel } = await import('@discordjs/voice');
    const connection = joinVoiceChannel({
      channelId: sim.channelId('Hearth'),
      guildId: guild.id,
      adapterCreator: guild.voiceAdapterCreator,
      selfDeaf: false,
      daveEncryption: false,
      group: 'no-dave',
    });
    connection.on('error', () => {});
    await sim.until(() => sim.stats.voice.closes.some((c) => c.code === 4017));
    connection.destroy();
    expect(sim.stats.voice.readies).toBe(0);
  });

  it('uses transport encryption only in stage channels and when the sim is started with dave: false', async () => {
    h = await startHarness({
      guilds: [
        {
          name: 'Tavern',
          channels: [
            { name: 'Hearth', type: 'voice' },
            { name: 'Stage', type: 'stage' },
          ],
          members: [{ user: 'alice', voiceChannel: 'Stage' }],
        },
      ],
    });
    const stage = await joinBot(h, 'Stage', { e2ee: false });
    expect(h.sim.botVoice()?.daveVersion).toBe(0);
    await playFrames(stage, toneFrames(330, 200));
    const heard = h.sim.listener('alice').heard();
    expect(heard.packets.every((p) => p.e2ee === 'transport-only')).toBe(true);
    await h.close();
    h = await startHarness({ dave: false });
    const plain = await joinBot(h, 'Hearth', { e2ee: false });
    expect(h.sim.botVoice()?.daveVersion).toBe(0);
    expect(h.sim.dave.group('Hearth')).toBeUndefined();
    const received = collect(plain, h.sim.user('alice').id);
    await h.sim.speak('alice', speech);
    expect(audio(await received)).toEqual(hexes(speech.opusFrames));
  });

  it('adds members who join mid-call and removes those who leave, re-keying each time', async () => {
    h = await startHarness();
    const connection = await joinBot(h);
    const sim = h.sim;
    await sim.until(() => sim.dave.settled('Hearth'));
    const epoch = sim.dave.group('Hearth')?.epoch ?? 0n;
    let transition = nextTransition(connection);
    sim.joinVoice('bob', 'Hearth');
    await transition;
    await sim.until(() => sim.dave.settled('Hearth'));
    expect(sim.dave.group('Hearth')?.leaves).toContain(sim.user('bob').id);
    expect(sim.dave.participant('bob')?.privacyCode).toBe(connection.voicePrivacyCode);
    const fromBob = collect(connection, sim.user('bob').id);
    await sim.speak('bob', speech);
    expect(audio(await fromBob)).toEqual(hexes(speech.opusFrames));
    transition = nextTransition(connection);
    sim.leaveVoice('alice');
    await transition;
    await sim.until(() => sim.dave.settled('Hearth'));
    expect(sim.dave.group('Hearth')?.leaves).not.toContain(sim.user('alice').id);
    expect(sim.dave.group('Hearth')?.epoch).toBe(epoch + 2n);
    const frames = toneFrames(500, 400);
    await playFrames(connection, frames);
    expect(
      sim
        .listener('bob')
        .heard()
        .packets.filter((p) => p.e2ee === 'decrypted').length,
    ).toBe(frames.length);
  });

  it('lets the bot commit when simulated members do not (its own commit path)', async () => {
    h = await startHarness({ daveSimUsersCommit: false });
    const connection = await joinBot(h);
    const sim = h.sim;
    await sim.until(() => sim.dave.settled('Hearth'));
    expect(sim.stats.voice.dave.commits[0]?.userId).toBe(sim.botUserId);
    const transition = nextTransition(connection);
    sim.joinVoice('bob', 'Hearth');
    await transition;
    await sim.until(() => sim.dave.settled('Hearth'));
    expect(sim.stats.voice.dave.commits.at(-1)?.userId).toBe(sim.botUserId);
    expect(sim.dave.participant('bob')?.privacyCode).toBe(connection.voicePrivacyCode);
  });

  it('announces transition id 0 when asked: the client executes at once', async () => {
    h = await startHarness();
    h.sim.faults.dave.transitionIdZero();
    const connection = await joinBot(h);
    expect(h.sim.stats.voice.dave.commits[0]?.transitionId).toBe(0);
    const transition = nextTransition(connection);
    h.sim.joinVoice('bob', 'Hearth');
    expect(await transition).toBe(0);
    await h.sim.until(() => h?.sim.dave.participant('bob')?.ready === true);
    expect(h.sim.dave.participant('bob')?.privacyCode).toBe(connection.voicePrivacyCode);
  });

  it('a client that speaks before its group exists sends frames in the clear, and the listener counts them', async () => {
    h = await startHarness();
    const sim = h.sim;
    const guild = h.client.guilds.cache.get(sim.guildId());
    if (!guild) throw new Error('no guild');
    const { joinVoiceChannel } = await import('@discordjs/voice');
    const connection = joinVoiceChannel({
      channelId: sim.channelId('Hearth'),
      guildId: guild.id,
      adapterCreator: guild.voiceAdapterCreator,
      selfDeaf: false,
      group: h.client.user?.id ?? 'default',
    });
    connection.on('error', () => {});
    // The bot never gets its Welcome, so it talks without a group; alice has one and hears it.
    sim.faults.dave.loseMessages([30]);
    await entersState(connection, VoiceConnectionStatus.Ready, 10_000);
    await sim.until(() => sim.dave.participant('alice')?.ready === true);
    await playFrames(connection, toneFrames(440, 300));
    expect(sim.listener('alice').heard().unencryptedFrames).toBeGreaterThan(0);
    expect(sim.stats.voice.unencryptedFromBot).toBe(sim.listener('alice').heard().unencryptedFrames);
  });
});

describe('DAVE faults against the real client', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('re-keying mid-reply loses only frames that arrive during the transition, and only for the re-joined member', async () => {
    h = await startHarness();
    const connection = await joinBot(h);
    const sim = h.sim;
    sim.joinVoice('bob', 'Hearth');
    await sim.until(() => sim.dave.settled('Hearth') && sim.dave.group('Hearth')?.leaves.length === 3);
    const epoch = sim.dave.group('Hearth')?.epoch ?? 0n;
    const frames = toneFrames(440, 3000);
    const playing = playFrames(connection, frames);
    await sim.listener('alice').waitForPackets(50);
    sim.faults.dave.rekey('Hearth', { via: 'alice' });
    await playing;
    await sim.until(() => sim.dave.settled('Hearth'));
    expect(sim.dave.group('Hearth')?.epoch).toBeGreaterThan(epoch);
    const alice = sim.listener('alice').heard();
    const bob = sim.listener('bob').heard();
    // bob kept his membership: he decrypts every frame across the epoch change.
    expect(bob.packets.filter((p) => p.e2ee === 'decrypted').length).toBe(frames.length);
    expect(bob.undecryptableFrames).toBe(0);
    // alice re-joined: she may lose frames, but only while the transition was pending.
    const lost = alice.packets.filter((p) => p.e2ee === 'undecryptable');
    expect(lost.every((p) => p.rekeying)).toBe(true);
    expect(alice.packets.filter((p) => p.e2ee === 'decrypted').length + lost.length).toBe(frames.length);
    expect(alice.unencryptedFrames + bob.unencryptedFrames).toBe(0);
  });

  it('a commit lost on the way to the bot: its decrypt failures trigger op 31, and the gateway re-adds it', async () => {
    h = await startHarness();
    const connection = await joinBot(h);
    const sim = h.sim;
    await sim.until(() => sim.dave.settled('Hearth'));
    sim.faults.dave.loseMessages([29]);
    sim.joinVoice('bob', 'Hearth');
    await sim.until(() => sim.dave.participant('bob')?.ready === true);
    // alice now encrypts with the new epoch's keys, which the bot never got: it cannot decrypt
    // her, and after 36 failures in a row the client reports its state invalid (op 31).
    const failing = collect(connection, sim.user('alice').id);
    failing.catch(() => {});
    await sim.speak('alice', encodeSpeech(new Int16Array(48_000 * 2).fill(3000)));
    await sim.until(() => sim.stats.voice.dave.invalidCommitWelcomes.some((x) => x.userId === sim.botUserId));
    await sim.until(() => sim.dave.settled('Hearth'));
    const received = collect(connection, sim.user('bob').id);
    await sim.speak('bob', speech);
    expect(audio(await received)).toEqual(hexes(speech.opusFrames));
  });

  it('a member with broken keys: the bot cannot decrypt it and recovers; healed, it is heard again', async () => {
    h = await startHarness();
    const connection = await joinBot(h);
    const sim = h.sim;
    await sim.until(() => sim.dave.settled('Hearth'));
    sim.faults.dave.brokenKeys('alice');
    const broken = collect(connection, sim.user('alice').id);
    broken.catch(() => {});
    await sim.speak('alice', encodeSpeech(new Int16Array(48_000 * 2).fill(3000)));
    // Within davey's passthrough window after a transition (10 s) the library hands over a frame it
    // could not decrypt as it came, still sealed (the bot drops those before its decoder): what
    // must not happen is any of alice's audio arriving decrypted.
    expect(audio((await broken).filter((p) => !looksLikeDaveFrame(p)))).toEqual([]);
    await sim.until(() => sim.stats.voice.dave.invalidCommitWelcomes.some((x) => x.userId === sim.botUserId));
    sim.faults.dave.brokenKeys('alice', false);
    await sim.until(() => sim.dave.settled('Hearth'));
    const healed = collect(connection, sim.user('alice').id);
    await sim.speak('alice', speech);
    expect(audio(await healed)).toEqual(hexes(speech.opusFrames));
  });

  it('replays DAVE messages sent while the voice socket was down when the client resumes (v8 buffered resume)', async () => {
    h = await startHarness();
    const connection = await joinBot(h);
    const sim = h.sim;
    await sim.until(() => sim.dave.settled('Hearth'));
    sim.faults.closeVoice(4015);
    sim.joinVoice('bob', 'Hearth');
    await sim.until(() => sim.stats.voice.resumes === 1);
    await entersState(connection, VoiceConnectionStatus.Ready, 5_000);
    await sim.until(() => sim.dave.settled('Hearth') && (sim.dave.group('Hearth')?.leaves.length ?? 0) === 3);
    expect(sim.stats.voice.identifies).toBe(1);
    expect(sim.dave.participant('bob')?.privacyCode).toBe(connection.voicePrivacyCode);
    const received = collect(connection, sim.user('bob').id);
    await sim.speak('bob', speech);
    expect(audio(await received)).toEqual(hexes(speech.opusFrames));
  });
});
