import { once } from 'node:events';
import { Readable } from 'node:stream';
import {
  createAudioPlayer,
  createAudioResource,
  entersState,
  getGroups,
  joinVoiceChannel,
  StreamType,
  type VoiceConnection,
  VoiceConnectionStatus,
} from '@discordjs/voice';
import { createOpusEncoder } from '@troupe/opus';
import { Client, GatewayIntentBits, PermissionFlagsBits } from 'discord.js';
import {
  type DiscordSim,
  type DiscordSimOptions,
  monoToStereo,
  sineTone,
  startDiscordSim,
} from '../src/index.ts';

/** A tavern guild: a text channel, two voice channels (the bot may not Speak in "Library"). */
export function tavernOptions(extra: Partial<DiscordSimOptions> = {}): DiscordSimOptions {
  return {
    users: [{ username: 'alice' }, { username: 'bob' }, { username: 'carol' }],
    guilds: [
      {
        name: 'Tavern',
        roles: [
          { name: 'Mod', permissions: PermissionFlagsBits.ManageGuild | PermissionFlagsBits.MoveMembers },
        ],
        channels: [
          { name: 'general', type: 'text' },
          { name: 'Hearth', type: 'voice' },
          {
            name: 'Library',
            type: 'voice',
            overwrites: [{ target: 'bot', deny: PermissionFlagsBits.Speak }],
          },
        ],
        members: [
          { user: 'alice', roles: ['Mod'], voiceChannel: 'Hearth' },
          { user: 'bob' },
          { user: 'carol' },
        ],
      },
    ],
    ...extra,
  };
}

export interface Harness {
  sim: DiscordSim;
  client: Client;
  close(): Promise<void>;
}

/** Starts the sim and logs a real discord.js client into it; resolves at clientReady. */
export async function startHarness(extra: Partial<DiscordSimOptions> = {}): Promise<Harness> {
  const sim = await startDiscordSim(tavernOptions(extra));
  sim.trustCertificate();
  const client = new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildVoiceStates],
    rest: { api: sim.restApi },
  });
  const ready = once(client, 'clientReady');
  await client.login(sim.token);
  await ready;
  return {
    sim,
    client,
    async close() {
      // Every group: joinBot registers each bot account's connections under its own group.
      for (const group of getGroups().values()) for (const c of group.values()) c.destroy();
      await client.destroy();
      await sim.close();
    },
  };
}

/** Resolves at the connection's next `transitioned` event: its E2EE group is live (DAVE). */
export function nextTransition(connection: VoiceConnection, timeoutMs = 10_000): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no DAVE transition within ${timeoutMs} ms`)), timeoutMs);
    connection.once('transitioned', (id: number) => {
      clearTimeout(timer);
      resolve(id);
    });
  });
}

/**
 * Joins a bot (the application's, or `client`) to a voice channel with the real @discordjs/voice
 * and waits for Ready; when the channel is E2EE (`e2ee`, the default), also for the first DAVE
 * transition, after which its frames are end-to-end encrypted.
 */
export async function joinBot(
  h: Harness,
  channel = 'Hearth',
  opts: { client?: Client; daveEncryption?: boolean; e2ee?: boolean } = {},
): Promise<VoiceConnection> {
  const client = opts.client ?? h.client;
  const guild = client.guilds.cache.get(h.sim.guildId());
  if (!guild) throw new Error('guild not cached');
  const connection = joinVoiceChannel({
    channelId: h.sim.channelId(channel),
    guildId: guild.id,
    adapterCreator: guild.voiceAdapterCreator,
    selfDeaf: false,
    debug: false,
    // Connections are registered per group and guild: one group per bot account in this process.
    group: client.user?.id ?? 'default',
    ...(opts.daveEncryption === undefined ? {} : { daveEncryption: opts.daveEncryption }),
  });
  connection.on('error', () => {});
  const transitioned = opts.e2ee === false ? undefined : nextTransition(connection);
  transitioned?.catch(() => {});
  await entersState(connection, VoiceConnectionStatus.Ready, 10_000);
  await transitioned;
  return connection;
}

/** Logs another discord.js client (a further bot account declared in `bots`) into the sim. */
export async function loginOtherBot(h: Harness, username: string): Promise<Client> {
  const client = new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildVoiceStates],
    rest: { api: h.sim.restApi },
  });
  const ready = once(client, 'clientReady');
  await client.login(h.sim.botToken(username));
  await ready;
  return client;
}

/** 20 ms stereo Opus frames of a sine tone, encoded with @troupe/opus. */
export function toneFrames(frequencyHz: number, durationMs: number): Buffer[] {
  const encoder = createOpusEncoder({ sampleRate: 48_000, channels: 2 });
  const pcm = monoToStereo(sineTone(frequencyHz, durationMs));
  const frames: Buffer[] = [];
  for (let off = 0; off + encoder.frameSamples <= pcm.length; off += encoder.frameSamples) {
    frames.push(Buffer.from(encoder.encode(pcm.subarray(off, off + encoder.frameSamples))));
  }
  return frames;
}

/** Plays Opus frames through a real AudioPlayer and resolves when it goes idle. */
export async function playFrames(connection: VoiceConnection, frames: Buffer[]): Promise<void> {
  const player = createAudioPlayer();
  player.on('error', () => {});
  connection.subscribe(player);
  const resource = createAudioResource(Readable.from(frames, { objectMode: true }), {
    inputType: StreamType.Opus,
  });
  player.play(resource);
  await entersState(player, 'playing' as never, 5_000);
  await entersState(player, 'idle' as never, 30_000);
  player.stop(true);
}
