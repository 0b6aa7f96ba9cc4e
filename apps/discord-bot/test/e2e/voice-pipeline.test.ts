import { VoiceJoinError } from '@troupe/discord';
import { fixturePath, stereoToMono } from '@troupe/discord-sim';
import { estimatePitchHz, voicePitchHz } from '@troupe/realtime-sim';
import { afterEach, describe, expect, it } from 'vitest';
import { persona, startVoiceHarness, type VoiceHarness } from './voice-harness.ts';

let h: VoiceHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** Pitch of what a listener heard from the bot (48 kHz stereo → mono), over its loudest stretch. */
function heardPitch(pcm: Int16Array): number {
  return estimatePitchHz(stereoToMono(pcm), 48_000);
}

describe('voice pipeline end to end (real discord.js + @discordjs/voice, both simulators)', () => {
  it('joins, greets in the persona voice, and answers a labelled speaker', async () => {
    h = await startVoiceHarness();
    const session = await h.voice.join(
      h.channel('Hearth'),
      persona('captain', 'wenrounansheng', 'Ahoy, crew!'),
    );
    const alice = h.discord.listener('alice');
    await h.model.waitFor(() => h!.model.responses[0]?.status === 'completed' || undefined);
    await alice.waitForPackets(30);
    expect(Math.abs(heardPitch(alice.heard().pcm) - voicePitchHz('wenrounansheng'))).toBeLessThan(8);

    await h.discord.speak('bob', fixturePath('en-bob'));
    await h.model.waitFor(() =>
      h!.model.responses.find((r) => r.labels.includes('bob') && r.status === 'completed'),
    );
    const reply = h.model.responses.find((r) => r.labels.includes('bob'))!;
    expect(reply.heardMs).toBeGreaterThan(1000);
    expect(session.status().heard.find((s) => s.displayName === 'bob')?.packets).toBeGreaterThan(50);
    expect(session.status().turns.at(-1)?.speaker).toBe('bob');
  });

  it('turns two overlapping speakers into two labelled turns, one after the other', async () => {
    h = await startVoiceHarness();
    await h.voice.join(h.channel('Hearth'), persona('captain', 'wenrounansheng'));
    await Promise.all([
      h.discord.speak('alice', fixturePath('en-alice')),
      h.discord.speak('bob', fixturePath('en-bob')),
    ]);
    const items = await h.model.waitFor(() => {
      const all = h!.model.sessions[0]!.items;
      return all.filter((i) => i.audioMs !== undefined).length >= 2 ? all : undefined;
    });
    // The second speaker's label says they talked over the first ("[bob, talking over alice]").
    const label = (text: string | undefined) => /^\[(alice|bob)\b/.exec(text ?? '')?.[1];
    const sequence = items
      .filter((i) => label(i.text) !== undefined || i.audioMs !== undefined)
      .map((i) => (i.audioMs === undefined ? `[${label(i.text)}]` : 'audio'));
    // Each label is directly followed by that speaker's committed audio: the turns did not interleave.
    expect(sequence.slice(0, 4)).toEqual(expect.arrayContaining(['[alice]', '[bob]']));
    expect(items.some((i) => /^\[(alice|bob), talking over (alice|bob)\]$/.test(i.text ?? ''))).toBe(true);
    expect(sequence[1]).toBe('audio');
    expect(sequence[3]).toBe('audio');
  });

  it('leaves by itself once the channel has been empty for the idle time', async () => {
    h = await startVoiceHarness({ idleLeaveMs: 300 });
    await h.voice.join(h.channel('Hearth'), persona('captain', 'wenrounansheng'));
    const ended = new Promise<string>((resolve) => h!.voice.on('sessionEnded', (e) => resolve(e.reason)));
    for (const u of ['alice', 'bob', 'carol']) h.discord.leaveVoice(u);
    expect(await ended).toBe('empty');
    expect(h.voice.get(h.discord.guildId())).toBeUndefined();
    await h.discord.until(() => h!.model.sessions[0]!.closed);
  });

  it('skips corrupt Opus packets and keeps the speaker’s stream alive', async () => {
    h = await startVoiceHarness();
    const session = await h.voice.join(h.channel('Hearth'), persona('captain', 'wenrounansheng'));
    const sent = await h.discord.speak('alice', fixturePath('en-alice'), { corruptPct: 20, seed: 7 });
    expect(sent.packetsCorrupted).toBeGreaterThan(10);
    await h.model.waitFor(() =>
      h!.model.responses.find((r) => r.labels.includes('alice') && r.status === 'completed'),
    );
    const alice = session.status().heard.find((s) => s.displayName === 'alice')!;
    expect(alice.corruptPackets).toBe(sent.packetsCorrupted);
    expect(alice.packets).toBeGreaterThan(sent.packetsCorrupted);
  });

  it('refuses a channel where it cannot speak, saying what is missing', async () => {
    h = await startVoiceHarness();
    await expect(h.voice.join(h.channel('Library'), persona('captain', 'wenrounansheng'))).rejects.toThrow(
      new VoiceJoinError(
        'I need the Speak permission in Library. Ask a server admin to grant it to my role (channel settings → Permissions).',
      ),
    );
  });

  it('never forwards the audio of a user who opted out', async () => {
    h = await startVoiceHarness();
    await h.voice.join(h.channel('Hearth'), persona('captain', 'wenrounansheng'));
    h.optedOut.add(h.discord.user('carol').id);
    await h.discord.speak('carol', fixturePath('en-alice'));
    await h.discord.speak('alice', fixturePath('en-alice'));
    await h.model.waitFor(() => h!.model.responses.find((r) => r.status === 'completed'));
    expect(h.model.responses.flatMap((r) => r.labels)).toEqual(['alice']);
  });

  it('switches persona: same voice on the same connection, a new voice by reconnecting', async () => {
    h = await startVoiceHarness();
    const session = await h.voice.join(h.channel('Hearth'), persona('captain', 'wenrounansheng', 'Ahoy!'));
    await h.model.waitFor(() => h!.model.responses[0]?.status === 'completed' || undefined);
    expect(await session.setPersona(persona('captain', 'wenrounansheng'))).toEqual({ newConnection: false });
    expect(await session.setPersona(persona('teller', 'qingchunshaonv'))).toEqual({ newConnection: true });
    session.announce('Introduce yourself.');
    await h.model.waitFor(() =>
      h!.model.responses.find((r) => r.voice === 'qingchunshaonv' && r.status === 'completed'),
    );
    expect(h.model.sessions).toHaveLength(2);
  });

  it('barge-in: stops the reply and truncates it at what the listener heard', async () => {
    h = await startVoiceHarness({ bargeInMinSpeechMs: 200 });
    const session = await h.voice.join(
      h.channel('Hearth'),
      persona('captain', 'wenrounansheng', 'Ahoy there, a long greeting to interrupt!'),
    );
    const bob = h.discord.listener('bob');
    await bob.waitForPackets(25);
    await h.discord.speak('alice', fixturePath('en-alice'));
    const greeting = await h.model.waitFor(() => {
      const r = h!.model.responses[0];
      return r?.truncatedAtMs !== undefined ? r : undefined;
    });
    // The simulator streams faster than real time, so the reply is usually complete server-side:
    // then only the truncation is sent (no response.cancel for a finished reply).
    expect(h.model.errors.filter((e) => e.code === 'response_cancel_not_active')).toHaveLength(0);
    expect(greeting.truncatedAtMs).toBeLessThan(greeting.audioMs);
    const heardMs = bob.heard().packets.filter((p) => !p.silence).length * 20;
    // The player reports what it sent; the listener got the same packets, give or take the two in flight.
    expect(Math.abs(greeting.truncatedAtMs! - heardMs)).toBeLessThanOrEqual(60);
    expect(session.bargeIns).toBe(1);
  });
});
