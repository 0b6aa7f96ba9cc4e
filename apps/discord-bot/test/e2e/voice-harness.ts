// The real discord.js client + @discordjs/voice against discord-sim, the real RealtimeSession
// against realtime-sim, and the bot's ChannelManager in between. Loopback only.
import { once } from 'node:events';
import { getGroups } from '@discordjs/voice';
import type { VoiceTuning } from '@troupe/discord';
import { ChannelManager } from '@troupe/discord';
import { type DiscordSim, type DiscordSimOptions, startDiscordSim } from '@troupe/discord-sim';
import { type Persona, parsePersona } from '@troupe/realtime-core';
import { type RealtimeSim, startRealtimeSim } from '@troupe/realtime-sim';
import { Client, GatewayIntentBits, PermissionFlagsBits, type VoiceBasedChannel } from 'discord.js';
import pino from 'pino';
import { assertNoUnencryptedAudio } from './fault-world.ts';

export interface VoiceHarness {
  discord: DiscordSim;
  model: RealtimeSim;
  client: Client;
  voice: ChannelManager;
  optedOut: Set<string>;
  channel(name: string): VoiceBasedChannel;
  close(): Promise<void>;
}

export function persona(id: string, voice: string, greeting?: string): Persona {
  return parsePersona(
    JSON.stringify({
      id,
      name: id === 'captain' ? 'Captain Mara' : 'Storyteller',
      description: 'A test character.',
      instructions: 'Stay in character.',
      voice,
      language: 'en',
      ...(greeting ? { greeting } : {}),
    }),
    `${id}.json`,
  );
}

export async function startVoiceHarness(
  tuning: Partial<VoiceTuning> = {},
  extra: { sim?: Partial<DiscordSimOptions>; replyMs?: number } = {},
): Promise<VoiceHarness> {
  const discord = await startDiscordSim({
    ...extra.sim,
    users: [{ username: 'alice' }, { username: 'bob' }, { username: 'carol' }],
    guilds: [
      {
        name: 'Tavern',
        channels: [
          { name: 'general', type: 'text' },
          { name: 'Hearth', type: 'voice' },
          { name: 'Attic', type: 'voice' },
          {
            name: 'Library',
            type: 'voice',
            overwrites: [{ target: 'bot', deny: PermissionFlagsBits.Speak }],
          },
          { name: 'Stage', type: 'stage' },
        ],
        members: [
          { user: 'alice', voiceChannel: 'Hearth' },
          { user: 'bob', voiceChannel: 'Hearth' },
          { user: 'carol', voiceChannel: 'Hearth' },
        ],
      },
    ],
  });
  discord.trustCertificate();
  const model = await startRealtimeSim({
    apiKey: 'sim-key',
    speed: 4,
    ...(extra.replyMs ? { replyMs: extra.replyMs } : {}),
  });
  const client = new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildVoiceStates],
    rest: { api: discord.restApi },
  });
  const ready = once(client, 'clientReady');
  await client.login(discord.token);
  await ready;
  const optedOut = new Set<string>();
  const voice = new ChannelManager({
    realtime: { url: model.url, model: 'stepaudio-2.5-realtime', apiKey: 'sim-key' },
    logger: pino({ level: 'silent' }),
    isOptedOut: (_g, userId) => optedOut.has(userId),
    tuning: { idleLeaveMs: 2_000, ...tuning },
  });
  return {
    discord,
    model,
    client,
    voice,
    optedOut,
    channel(name) {
      const ch = client.channels.cache.get(discord.channelId(name));
      if (!ch?.isVoiceBased()) throw new Error(`no voice channel ${name}`);
      return ch;
    },
    async close() {
      await voice.destroyAll();
      for (const group of getGroups().values()) for (const c of group.values()) c.destroy();
      await client.destroy();
      await model.close();
      await discord.close();
      assertNoUnencryptedAudio(discord);
    },
  };
}
