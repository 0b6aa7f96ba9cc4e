// The limits Discord enforces on a bot, enforced by the sim with Discord's own errors, so a bot
// that breaks one fails its tests as it would fail on Discord. Driven by the real discord.js.
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Client,
  DiscordAPIError,
  GatewayIntentBits,
  type Interaction,
  REST,
  Routes,
  SlashCommandBuilder,
  type TextChannel,
} from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { CAPTURE_DIR_ENV } from '../src/capture.ts';
import { startDiscordSim } from '../src/index.ts';
import { type Harness, startHarness, tavernOptions } from './harness.ts';

const ping = new SlashCommandBuilder()
  .setName('ping')
  .setDescription('ping')
  .addStringOption((o) => o.setName('q').setDescription('q').setAutocomplete(true));

/** The DiscordAPIError a call was refused with. */
async function refusal(p: Promise<unknown>): Promise<{ status: number; code: unknown }> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof DiscordAPIError)) throw new Error(`expected a DiscordAPIError, got ${String(err)}`);
  return { status: err.status, code: err.code };
}

function general(h: Harness): TextChannel {
  const channel = h.client.channels.cache.get(h.sim.channelId('general'));
  if (!channel?.isTextBased() || channel.isDMBased() || !('createWebhook' in channel))
    throw new Error('no text channel');
  return channel as TextChannel;
}

describe('discord-sim enforces Discord’s limits', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('webhook names and usernames: no "clyde" or "discord" in any case, 1–80 characters', async () => {
    h = await startHarness();
    const channel = general(h);
    for (const name of ['Clyde', 'my DISCORD bot', 'x'.repeat(81), '   '])
      expect(await refusal(channel.createWebhook({ name }))).toEqual({ status: 400, code: 50035 });
    const hook = await channel.createWebhook({ name: 'Troupe transcripts' });
    for (const username of ['clydesdale', 'Discordia', 'y'.repeat(81)])
      expect(await refusal(hook.send({ content: 'hi', username }))).toEqual({ status: 400, code: 50035 });
    await hook.send({ content: 'hi', username: 'Captain' });
    expect(h.sim.messages.filter((m) => m.via === 'webhook')).toHaveLength(1);
    // A moderator deletes it: the token no longer works.
    expect(h.sim.faults.deleteWebhooks('general')).toBe(1);
    expect(await refusal(hook.send({ content: 'lost?' }))).toEqual({ status: 404, code: 10015 });
  });

  it('message content over 2,000 characters is refused everywhere a bot posts', async () => {
    h = await startHarness();
    const channel = general(h);
    const long = 'a'.repeat(2001);
    expect(await refusal(channel.send(long))).toEqual({ status: 400, code: 50035 });
    await channel.send('a'.repeat(2000));
    const hook = await channel.createWebhook({ name: 'Transcripts' });
    expect(await refusal(hook.send({ content: long }))).toEqual({ status: 400, code: 50035 });
    await h.client.application?.commands.set([ping.toJSON()], h.sim.guildId());
    const outcomes: Promise<unknown>[] = [];
    h.client.on('interactionCreate', (i: Interaction) => {
      if (!i.isChatInputCommand()) return;
      outcomes.push(
        (async () => {
          const reply = await refusal(i.reply({ content: long }));
          await i.deferReply();
          const edit = await refusal(i.editReply(long));
          const followUp = await refusal(i.followUp(long));
          return [reply, edit, followUp];
        })(),
      );
    });
    const handle = await h.sim.slash({ user: 'alice' }, 'ping');
    await handle.firstResponse();
    await h.sim.until(() => outcomes.length === 1);
    expect(await outcomes[0]).toEqual([
      { status: 400, code: 50035 },
      { status: 400, code: 50035 },
      { status: 400, code: 50035 },
    ]);
  });

  it('autocomplete: at most 25 choices, names and values of 1–100 characters', async () => {
    h = await startHarness();
    await h.client.application?.commands.set([ping.toJSON()], h.sim.guildId());
    const lists = [
      Array.from({ length: 26 }, (_, n) => ({ name: `c${n}`, value: `c${n}` })),
      [{ name: 'n'.repeat(101), value: 'ok' }],
      [{ name: 'ok', value: 'v'.repeat(101) }],
      [{ name: '', value: 'ok' }],
    ];
    const outcomes: Promise<unknown>[] = [];
    h.client.on('interactionCreate', (i: Interaction) => {
      if (!i.isAutocomplete()) return;
      const list = lists[Number(i.options.getFocused())] ?? [];
      outcomes.push(refusal(i.respond(list)));
    });
    for (const n of [0, 1, 2, 3]) {
      const answered = h.sim.autocomplete({ user: 'alice' }, 'ping', {
        options: { q: String(n) },
        focused: 'q',
      });
      await h.sim.until(() => outcomes.length === n + 1);
      expect(await outcomes[n]).toEqual({ status: 400, code: 50035 });
      void answered.catch(() => undefined);
    }
  });

  it('an interaction not answered within 3 s is unknown (10062); its token expires after 15 min (50027)', async () => {
    h = await startHarness();
    const sim = h.sim;
    await h.client.application?.commands.set([ping.toJSON()], sim.guildId());
    const next = () => new Promise<Interaction>((resolve) => h?.client.once('interactionCreate', resolve));
    let arrived = next();
    await sim.slash({ user: 'alice' }, 'ping');
    const late = await arrived;
    sim.advanceClock(3_001);
    if (!late.isChatInputCommand()) throw new Error('no command');
    expect(await refusal(late.deferReply())).toEqual({ status: 404, code: 10062 });

    arrived = next();
    const handle = await sim.slash({ user: 'alice' }, 'ping');
    const i = await arrived;
    if (!i.isChatInputCommand()) throw new Error('no command');
    await i.deferReply();
    await i.editReply('within the window');
    sim.advanceClock(15 * 60_000 + 1);
    expect(await refusal(i.editReply('too late'))).toEqual({ status: 401, code: 50027 });
    expect(await refusal(i.followUp('too late'))).toEqual({ status: 401, code: 50027 });
    expect(handle.content).toBe('within the window');
  });

  it('without GuildPresences, GUILD_CREATE lists only the bot and members in voice', async () => {
    h = await startHarness();
    const guild = h.client.guilds.cache.get(h.sim.guildId());
    const cached = [...(guild?.members.cache.keys() ?? [])].sort();
    expect(cached).toEqual([h.sim.botUserId, h.sim.user('alice').id].sort());
    expect(guild?.memberCount).toBe(4);
    // With the intent, everyone.
    const client = new Client({
      intents: [
        GatewayIntentBits.Guilds,
        GatewayIntentBits.GuildVoiceStates,
        GatewayIntentBits.GuildPresences,
      ],
      rest: { api: h.sim.restApi },
    });
    const ready = once(client, 'clientReady');
    await client.login(h.sim.token);
    await ready;
    expect(client.guilds.cache.get(h.sim.guildId())?.members.cache.size).toBe(4);
    await client.destroy();
  });

  it('hosts attachments like Discord’s CDN', async () => {
    h = await startHarness();
    const file = h.sim.attachment('card.json', Buffer.from('{"a":1}'), 'application/json');
    expect(file.url.startsWith(`${h.sim.attachmentOrigin}/attachments/`)).toBe(true);
    const res = await fetch(file.url);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.text()).toBe('{"a":1}');
    expect((await fetch(`${file.url}x`)).status).toBe(404);
  });
});

describe('secret capture', () => {
  it('notes the webhook and interaction tokens it issued, and keeps them out of the request log', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sim-capture-'));
    const previous = process.env[CAPTURE_DIR_ENV];
    process.env[CAPTURE_DIR_ENV] = dir;
    try {
      const sim = await startDiscordSim(tavernOptions());
      const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: sim.restApi } });
      const ready = once(client, 'clientReady');
      await client.login(sim.token);
      await ready;
      await new REST({ api: sim.restApi })
        .setToken(sim.token)
        .put(Routes.applicationGuildCommands(sim.applicationId, sim.guildId()), { body: [ping.toJSON()] });
      client.on('interactionCreate', (i) => {
        if (i.isChatInputCommand()) void i.reply('pong');
      });
      const channel = client.channels.cache.get(sim.channelId('general')) as TextChannel;
      const hook = await channel.createWebhook({ name: 'Transcripts' });
      await hook.send('hi');
      const handle = await sim.slash({ user: 'alice' }, 'ping');
      await handle.firstResponse();
      await client.destroy();
      await sim.close();
      const files = readdirSync(dir);
      const secrets = JSON.parse(
        readFileSync(join(dir, files.find((f) => f.endsWith('.secrets'))!), 'utf8'),
      ) as { label: string; value: string }[];
      expect(secrets.map((s) => s.value)).toEqual(
        expect.arrayContaining([sim.token, hook.token, handle.token]),
      );
      const log = readFileSync(join(dir, files.find((f) => f.endsWith('.jsonl'))!), 'utf8');
      expect(log).toContain('/webhooks/');
      for (const s of secrets) expect(log).not.toContain(s.value);
    } finally {
      if (previous === undefined) delete process.env[CAPTURE_DIR_ENV];
      else process.env[CAPTURE_DIR_ENV] = previous;
      await rm(dir, { recursive: true, force: true });
    }
  });
});
