// The prepared AES-GCM key (packages/discord/src/voice/transport-key.ts) against the real @discordjs/voice: audio
// still flows both ways, and a rejoin's new session key is prepared too.
import { getVoiceConnection, VoiceConnectionStatus } from '@discordjs/voice';
import { fixturePath } from '@troupe/discord-sim';
import { afterEach, describe, expect, it } from 'vitest';
import { persona, startVoiceHarness, type VoiceHarness } from './voice-harness.ts';

let h: VoiceHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

function sessionKey(guildId: string): unknown {
  const c = getVoiceConnection(guildId);
  const state = c?.state as { networking?: { state?: { connectionData?: { secretKey?: unknown } } } };
  return state.networking?.state?.connectionData?.secretKey;
}

describe('prepared transport key', () => {
  it('encrypts and decrypts with a KeyObject, and prepares the new key after a rejoin', async () => {
    h = await startVoiceHarness();
    const channel = h.channel('Hearth');
    await h.voice.join(channel, persona('captain', 'wenrounansheng', 'Ahoy!'));
    const key = sessionKey(channel.guild.id);
    expect(key).toMatchObject({ type: 'secret', symmetricKeySize: 32 });
    await h.discord.listener('alice').waitForPackets(20); // outbound: encrypted with it

    await h.discord.speak('bob', fixturePath('en-bob'));
    await h.model.waitFor(() => h!.model.responses.find((r) => r.labels.includes('bob'))); // inbound: decrypted

    h.discord.faults.closeVoice(4006); // session no longer valid: rejoin with a new key
    const c = getVoiceConnection(channel.guild.id);
    await h.model.waitFor(() => (sessionKey(channel.guild.id) !== key ? true : undefined), 10_000);
    await h.model.waitFor(() => (c?.state.status === VoiceConnectionStatus.Ready ? true : undefined), 10_000);
    expect(sessionKey(channel.guild.id)).toMatchObject({ type: 'secret', symmetricKeySize: 32 });
  });
});
