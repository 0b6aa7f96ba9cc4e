// An independent second client in the persona's E2EE call: a separate bot account (its own token)
// running a plain discord.js 14 + @discordjs/voice 0.19.2 with DAVE on, code nobody here wrote.
// It hears the persona's audio, decrypted by its own davey, and what it says is heard in the
// channel: the members decrypt it (the persona, by design, does not listen to bots).
import { once } from 'node:events';
import {
  EndBehaviorType,
  entersState,
  joinVoiceChannel,
  type VoiceConnection,
  VoiceConnectionStatus,
} from '@discordjs/voice';
import { createOpusDecoder, createOpusEncoder } from '@troupe/opus';
import { Client, GatewayIntentBits } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { persona, startVoiceHarness, type VoiceHarness } from './voice-harness.ts';

let h: VoiceHarness | undefined;
let other: Client | undefined;
afterEach(async () => {
  await other?.destroy();
  other = undefined;
  await h?.close();
  h = undefined;
});

/** The other client: logged in with its own token, joined to `channelId` with DAVE on. */
async function otherClient(
  h: VoiceHarness,
  channelId: string,
): Promise<{ client: Client; voice: VoiceConnection }> {
  const client = new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildVoiceStates],
    rest: { api: h.discord.restApi },
  });
  const ready = once(client, 'clientReady');
  await client.login(h.discord.botToken('echo'));
  await ready;
  const guild = client.guilds.cache.get(h.discord.guildId());
  if (!guild) throw new Error('the other client does not see the guild');
  const voice = joinVoiceChannel({
    channelId,
    guildId: guild.id,
    adapterCreator: guild.voiceAdapterCreator,
    selfDeaf: false,
    group: client.user?.id ?? 'echo',
  });
  voice.on('error', () => {});
  const transitioned = once(voice, 'transitioned');
  await entersState(voice, VoiceConnectionStatus.Ready, 10_000);
  await transitioned;
  return { client, voice };
}

describe('a second, independent DAVE client in the persona’s call', () => {
  it('hears the persona’s greeting decrypted, and the members hear it, decrypted', async () => {
    h = await startVoiceHarness({}, { sim: { bots: [{ username: 'echo' }] } });
    const sim = h.discord;
    const hearth = sim.channelId('Hearth');
    const joined = await otherClient(h, hearth);
    other = joined.client;

    // The persona joins; its greeting reaches the other client through the SFU, end to end encrypted.
    const fromPersona = joined.voice.receiver.subscribe(sim.botUserId, {
      end: { behavior: EndBehaviorType.AfterSilence, duration: 500 },
    });
    const personaFrames: Buffer[] = [];
    fromPersona.on('data', (p: Buffer) => personaFrames.push(p));
    const greetingDone = once(fromPersona, 'end');
    await h.voice.join(h.channel('Hearth'), persona('storyteller', 'alloy', 'Well met'));
    await greetingDone;
    const decoder = createOpusDecoder({ sampleRate: 48_000, channels: 2 });
    const audible = personaFrames.filter((p) => !(p.length === 3 && p[0] === 0xf8));
    expect(audible.length).toBeGreaterThan(10);
    // Decrypted by the other client's own davey: real Opus, not DAVE frames.
    expect(audible.every((p) => decoder.decode(p) !== undefined)).toBe(true);
    expect(decoder.corruptPackets).toBe(0);
    await sim.until(() => sim.dave.settled('Hearth'));
    expect(joined.voice.voicePrivacyCode).toBe(h.voice.get(sim.guildId())?.status().e2ee?.privacyCode);

    // The other client speaks: the members decrypt it.
    const encoder = createOpusEncoder({ sampleRate: 48_000, channels: 2 });
    const pcm = new Int16Array(960 * 2).map((_, i) => Math.round(6000 * Math.sin((i >> 1) / 7)));
    const frames = Array.from({ length: 50 }, () => Buffer.from(encoder.encode(pcm)));
    for (const f of frames) {
      joined.voice.playOpusPacket(f);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const alice = sim.listener('alice', { from: 'echo' });
    await alice.waitForPackets(frames.length);
    const heard = alice.heard();
    expect(heard.packets.filter((p) => p.e2ee === 'decrypted').length).toBe(frames.length);
    expect(heard.unencryptedFrames + heard.undecryptableFrames).toBe(0);
    expect(sim.listener('bob', { from: 'echo' }).heard().pcm.length).toBe(frames.length * 960 * 2);
    expect(sim.stats.voice.relayed).toBeGreaterThanOrEqual(audible.length + frames.length);
  });
});
