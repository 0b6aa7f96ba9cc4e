// The bot in end-to-end encrypted (DAVE) calls: its own ChannelManager with the real discord.js,
// @discordjs/voice 0.19.2 (patched) and davey against discord-sim (the MLS external sender, with
// simulated members that are davey clients too) and realtime-sim. Every world here ends by
// checking that the bot never sent an audio frame in the clear (voice-harness close()).
import { fixturePath, readWav } from '@troupe/discord-sim';
import { afterEach, describe, expect, it } from 'vitest';
import { persona, startVoiceHarness, type VoiceHarness } from './voice-harness.ts';

const CLIP = readWav(fixturePath('en-bob')).samples.slice(0, 72_000);

let h: VoiceHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** Resolves with the `nth` completed model response. */
function completed(h: VoiceHarness, nth: number) {
  return h.model.waitFor(() => h.model.responses.filter((r) => r.status === 'completed')[nth - 1], 20_000);
}

describe('the bot in an end-to-end encrypted call', () => {
  it('greets only once the E2EE group exists: every frame members hear is decrypted, none in the clear', async () => {
    h = await startVoiceHarness();
    const sim = h.discord;
    const session = await h.voice.join(h.channel('Hearth'), persona('storyteller', 'alloy', 'Well met'));
    const greeting = await completed(h, 1);
    await sim.listener('alice').waitForPackets(Math.floor(greeting.audioMs / 20) - 2);
    for (const user of ['alice', 'bob', 'carol']) {
      const heard = sim.listener(user).heard();
      const audio = heard.packets.filter((p) => !p.silence);
      expect(audio.length).toBeGreaterThan(0);
      expect(audio.every((p) => p.e2ee === 'decrypted')).toBe(true);
      expect(heard.unencryptedFrames).toBe(0);
    }
    const e2ee = session.status().e2ee;
    expect(e2ee).toMatchObject({ negotiated: true, ready: true, protocolVersion: 1, withheldFrames: 0 });
    expect(e2ee?.privacyCode).toBe(sim.dave.participant('alice')?.privacyCode);
    // The bot's own commits lose races to the members' (first valid commit wins), nothing else.
    for (const c of sim.stats.voice.dave.rejectedCommits) expect(c.reason).toMatch(/epoch|omits/);
  });

  it('joins an empty channel without waiting for a group, and greets once someone joins and the group exists', async () => {
    h = await startVoiceHarness();
    const sim = h.discord;
    const session = await h.voice.join(h.channel('Attic'), persona('storyteller', 'alloy', 'Well met'));
    // Alone: no MLS group yet (Discord forms it when a second member arrives), so no greeting.
    expect(session.status().e2ee).toMatchObject({ negotiated: true, ready: false });
    expect(h.model.responses).toHaveLength(0);
    sim.joinVoice('alice', 'Attic');
    const greeting = await completed(h, 1);
    await sim.listener('alice').waitForPackets(Math.floor(greeting.audioMs / 20) - 2);
    const heard = sim.listener('alice').heard();
    expect(heard.packets.filter((p) => !p.silence).every((p) => p.e2ee === 'decrypted')).toBe(true);
    expect(heard.unencryptedFrames).toBe(0);
    expect(session.status().e2ee?.withheldFrames).toBe(0);
  });

  it('hears a member through E2EE and answers; the member hears the answer decrypted', async () => {
    h = await startVoiceHarness();
    await h.voice.join(h.channel('Hearth'), persona('storyteller', 'alloy'));
    await h.discord.until(() => h?.discord.dave.settled('Hearth') === true);
    await h.discord.speak('alice', CLIP);
    const answer = await completed(h, 1);
    expect(answer.labels).toEqual(['alice']);
    expect(answer.heardMs).toBeGreaterThan(1000);
    await h.discord.listener('alice').waitForPackets(Math.floor(answer.audioMs / 40));
    expect(h.discord.listener('alice').heard().undecryptableFrames).toBe(0);
  });

  it('re-keyed mid-reply: a member who stays loses nothing, one who re-joins loses only the transition', async () => {
    h = await startVoiceHarness({}, { replyMs: 4000 });
    const sim = h.discord;
    const session = await h.voice.join(h.channel('Hearth'), persona('storyteller', 'alloy'));
    await sim.until(() => sim.dave.settled('Hearth'));
    const epoch = sim.dave.group('Hearth')?.epoch ?? 0n;
    session.announce('Tell a long story.');
    await sim.listener('alice').waitForPackets(40);
    sim.faults.dave.rekey('Hearth', { via: 'bob' });
    const reply = await completed(h, 1);
    await sim.listener('alice').waitForPackets(Math.floor(reply.audioMs / 20) - 2);
    await sim.until(() => sim.dave.settled('Hearth'));
    expect(sim.dave.group('Hearth')?.epoch).toBeGreaterThan(epoch);
    const alice = sim.listener('alice').heard();
    const bob = sim.listener('bob').heard();
    expect(alice.undecryptableFrames).toBe(0);
    expect(alice.packets.filter((p) => p.e2ee === 'decrypted').length).toBeGreaterThanOrEqual(
      Math.floor(reply.audioMs / 20) - 2,
    );
    // bob's lost frames, if any, all belong to the re-key; the bot withheld nothing and leaked nothing.
    expect(bob.packets.filter((p) => p.e2ee === 'undecryptable' && !p.rekeying)).toEqual([]);
    expect(session.status().e2ee?.withheldFrames).toBe(0);
  });

  it('a commit lost on the way to the bot after transition 0: it reports op 31, is re-added, and hears again', async () => {
    h = await startVoiceHarness();
    const sim = h.discord;
    sim.faults.dave.transitionIdZero();
    await h.voice.join(h.channel('Hearth'), persona('storyteller', 'alloy'));
    await sim.until(() => sim.dave.settled('Hearth'));
    sim.faults.dave.loseMessages([29]);
    sim.leaveVoice('carol');
    await sim.until(() => sim.dave.group('Hearth')?.leaves.includes(sim.user('carol').id) === false);
    // alice now encrypts for an epoch the bot never entered: only the patched recovery brings it back.
    await sim.speak('alice', CLIP);
    await sim.until(() => sim.stats.voice.dave.invalidCommitWelcomes.some((x) => x.userId === sim.botUserId));
    await sim.until(() => sim.dave.settled('Hearth'));
    const before = h.model.responses.filter((r) => r.status === 'completed').length;
    await sim.speak('alice', CLIP);
    const answer = await completed(h, before + 1);
    expect(answer.labels).toEqual(['alice']);
  });

  it('persistent transport-authentication failures: it leaves and joins afresh, with new keys, and hears again', async () => {
    h = await startVoiceHarness();
    const sim = h.discord;
    const session = await h.voice.join(h.channel('Hearth'), persona('storyteller', 'alloy'));
    await sim.until(() => sim.dave.settled('Hearth'));
    const readies = sim.stats.voice.readies;
    const op4 = sim.faults.voiceStateUpdates;
    expect(sim.faults.staleTransportKey()).toBe(1);
    // alice's utterances the bot cannot authenticate: each breaks her receive stream once; past
    // the recovery threshold (5 s of nothing but failures), the bot joins afresh.
    const short = CLIP.slice(0, 48_000);
    for (let i = 0; i < 10 && sim.stats.voice.readies === readies; i++) {
      await sim.speak('alice', short);
      await new Promise((resolve) => setTimeout(resolve, 300)); // a pause: the next utterance is a new stream
    }
    await sim.until(() => sim.stats.voice.readies === readies + 1, 15_000);
    // Leave, then join: two op 4s, and a new voice session (new token, transport key and MLS group).
    expect(sim.faults.voiceStateUpdates - op4).toBe(2);
    await sim.until(() => sim.dave.settled('Hearth'));
    expect(h.voice.get(sim.guildId())).toBe(session);
    await sim.speak('alice', CLIP);
    const answer = await completed(h, 1);
    expect(answer.labels).toEqual(['alice']);
  });

  it('decryption that fresh joins cannot fix: after two it gives up, ends the session and says why', async () => {
    h = await startVoiceHarness();
    const sim = h.discord;
    const ended = new Promise<{ reason: string; message?: string }>((resolve) =>
      h?.voice.on('sessionEnded', (e) => resolve(e)),
    );
    await h.voice.join(h.channel('Hearth'), persona('storyteller', 'alloy'));
    await sim.until(() => sim.dave.settled('Hearth'));
    // Every commit and welcome for the bot is lost from now on: it can never follow the group.
    sim.faults.dave.loseMessages([29, 30], { count: 1000 });
    sim.leaveVoice('carol');
    const readies = sim.stats.voice.readies;
    let done = false;
    void ended.then(() => {
      done = true;
    });
    // Short utterances with pauses, as people talk: each starts a receive stream whose first frames
    // fail and end it (a continuous one would be judged by its first 100 ms only).
    const short = CLIP.slice(0, 24_000);
    for (let i = 0; i < 60 && !done; i++) {
      await sim.speak('alice', short);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const end = await ended;
    expect(end.reason).toBe('error');
    expect(end.message).toMatch(
      /could not decrypt what anyone in this channel said, even after joining again/,
    );
    // Two fresh joins (each a new voice session), then no more.
    expect(sim.stats.voice.readies - readies).toBe(2);
  });

  it('refuses a stage channel, saying why and what to do instead', async () => {
    h = await startVoiceHarness();
    await expect(h.voice.join(h.channel('Stage'), persona('storyteller', 'alloy'))).rejects.toThrow(
      /Stage is a stage channel: .* not end-to-end encrypted\. Use \/join in a regular voice channel instead\./,
    );
    expect(h.discord.botVoice()).toBeUndefined();
  });
});
