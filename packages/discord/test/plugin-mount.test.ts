// A host bot that has commands of its own mounts Troupe onto its client: both answer their own
// commands side by side, over the real discord.js against the emulated Discord, and Troupe's voice
// session reaches the (simulated) model.
import { fixturePath, startDiscordSim } from '@troupe/discord-sim';
import { startRealtimeSim } from '@troupe/realtime-sim';
import { openSqliteStore, type Store } from '@troupe/store';
import {
  type ChatInputCommandInteraction,
  Client,
  Events,
  GatewayIntentBits,
  MessageFlags,
  REST,
  Routes,
} from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mountTroupe, type TroupeMount, TroupeMountError } from '../src/index.ts';
import { silentLogger } from '../src/testing/index.ts';

const APP_ID = '930000000000000001';
const GUILD_ID = '930000000000000100';
const VOICE_ID = '930000000000000110';

let discord: Awaited<ReturnType<typeof startDiscordSim>>;
let realtime: Awaited<ReturnType<typeof startRealtimeSim>>;
let client: Client;
let troupe: TroupeMount;
let store: Store;
const hostAnswers: string[] = [];

beforeAll(async () => {
  realtime = await startRealtimeSim({ acceptAnyModel: true });
  discord = await startDiscordSim({
    applicationId: APP_ID,
    users: [{ username: 'Host Fan' }],
    guilds: [
      {
        id: GUILD_ID,
        name: 'Host Guild',
        channels: [
          { name: 'general', type: 'text' },
          { id: VOICE_ID, name: 'Stage Left', type: 'voice' },
        ],
        members: [{ user: 'Host Fan' }],
      },
    ],
  });
  discord.trustCertificate();
  // The host's own client and its own command, as any existing bot has them.
  client = new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildVoiceStates],
    rest: { api: discord.restApi },
  });
  client.on(Events.InteractionCreate, async (i) => {
    if (!i.isChatInputCommand() || i.commandName !== 'ping') return;
    hostAnswers.push(i.commandName);
    await (i as ChatInputCommandInteraction).reply({ content: 'pong', flags: MessageFlags.Ephemeral });
  });
  store = await openSqliteStore(':memory:');
  troupe = await mountTroupe(client, {
    realtime: { url: realtime.url, model: 'stepaudio-2.5-realtime', apiKey: realtime.apiKey },
    store,
    logger: silentLogger(),
    secrets: [discord.token],
    discordApiUrl: discord.restApi,
  });
  const rest = new REST({ api: discord.restApi }).setToken(discord.token);
  const ping = { name: 'ping', description: 'The host bot’s own command', type: 1 };
  await rest.put(Routes.applicationGuildCommands(APP_ID, GUILD_ID), { body: [ping, ...troupe.commands] });
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  await client.login(discord.token);
  await ready;
});

afterAll(async () => {
  await troupe?.unmount();
  await client?.destroy();
  await store?.close();
  await discord?.close();
  await realtime?.close();
});

describe('mountTroupe on a host bot', () => {
  it('refuses a client without the voice-state intent, saying which intent to add', async () => {
    const bare = new Client({ intents: [GatewayIntentBits.Guilds] });
    await expect(
      mountTroupe(bare, {
        realtime: { url: 'ws://x', model: 'm', apiKey: 'k' },
        store,
        logger: silentLogger(),
      }),
    ).rejects.toThrow(TroupeMountError);
    await expect(
      mountTroupe(bare, {
        realtime: { url: 'ws://x', model: 'm', apiKey: 'k' },
        store,
        logger: silentLogger(),
      }),
    ).rejects.toThrow(/GuildVoiceStates/);
    await bare.destroy();
  });

  it('leaves the host’s commands to the host and answers its own', async () => {
    const ping = await discord.slash({ user: 'Host Fan', guild: GUILD_ID }, 'ping');
    await ping.firstResponse(10_000);
    expect(ping.content).toBe('pong');
    expect(hostAnswers).toEqual(['ping']);

    const list = await discord.slash({ user: 'Host Fan', guild: GUILD_ID }, 'persona', {
      subcommand: 'list',
    });
    await list.edited(1, 10_000);
    expect(JSON.stringify(list.message.embeds)).toContain('captain-mara');
    expect(hostAnswers).toEqual(['ping']);
  });

  it('joins voice for the host’s members and the model hears them', async () => {
    discord.joinVoice('Host Fan', VOICE_ID);
    const join = await discord.slash({ user: 'Host Fan', guild: GUILD_ID }, 'join', {
      options: { persona: 'captain-mara' },
    });
    await join.edited(1, 20_000);
    expect(join.content).toContain('joined');
    expect(troupe.voice.get(GUILD_ID)?.channelId).toBe(VOICE_ID);
    // The host's channel was told an AI is listening.
    expect(discord.messages.find((m) => m.via === 'channel' && m.channelId === VOICE_ID)?.content).toMatch(
      /an AI character, is now listening/,
    );
    const before = realtime.responses.length;
    await discord.speak('Host Fan', fixturePath('en-alice'));
    const answered = await realtime.waitFor(
      () => realtime.responses.slice(before).find((r) => r.labels.includes('Host Fan')),
      20_000,
    );
    expect(answered.heardMs).toBeGreaterThan(500);
    await troupe.unmount();
    expect(troupe.voice.get(GUILD_ID)).toBeUndefined();
  });
});
