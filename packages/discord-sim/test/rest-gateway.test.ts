import { once } from 'node:events';
import {
  ChannelType,
  InteractionResponseType,
  PermissionFlagsBits,
  REST,
  Routes,
  SlashCommandBuilder,
} from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './harness.ts';

const persona = new SlashCommandBuilder()
  .setName('persona')
  .setDescription('Persona commands')
  .addSubcommand((s) =>
    s
      .setName('set')
      .setDescription('Switch persona')
      .addStringOption((o) =>
        o.setName('name').setDescription('persona').setRequired(true).setAutocomplete(true),
      ),
  );

describe('REST + gateway with the real discord.js client', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('logs in, receives the guild with channels, roles, members and voice states', async () => {
    h = await startHarness();
    const guild = h.client.guilds.cache.get(h.sim.guildId());
    expect(guild?.name).toBe('Tavern');
    expect(guild?.channels.cache.filter((c) => c.type === ChannelType.GuildVoice).size).toBe(2);
    expect(guild?.roles.cache.size).toBe(2);
    const alice = await guild?.members.fetch(h.sim.user('alice').id);
    expect(alice?.voice.channelId).toBe(h.sim.channelId('Hearth'));
    expect(h.sim.requests.some((r) => r.route === '/gateway/bot')).toBe(true);
  });

  it('computes channel permissions from roles and overwrites', async () => {
    h = await startHarness();
    const guild = h.client.guilds.cache.get(h.sim.guildId());
    const me = guild?.members.me;
    if (!guild || !me) throw new Error('no guild');
    const library = guild.channels.cache.get(h.sim.channelId('Library'));
    const hearth = guild.channels.cache.get(h.sim.channelId('Hearth'));
    expect(hearth?.permissionsFor(me)?.has(PermissionFlagsBits.Speak)).toBe(true);
    expect(library?.permissionsFor(me)?.has(PermissionFlagsBits.Speak)).toBe(false);
    expect(library?.permissionsFor(me)?.has(PermissionFlagsBits.Connect)).toBe(true);
  });

  it('records guild command registration', async () => {
    h = await startHarness();
    const rest = new REST({ api: h.sim.restApi }).setToken(h.sim.token);
    await rest.put(Routes.applicationGuildCommands(h.sim.applicationId, h.sim.guildId()), {
      body: [persona.toJSON()],
    });
    expect(h.sim.commands('Tavern').map((c) => c.name)).toEqual(['persona']);
    expect(h.sim.requests.filter((r) => r.method === 'PUT' && r.route?.includes('/guilds/')).length).toBe(1);
  });

  it('runs a slash command round trip (deferReply + editReply + followUp) and an autocomplete', async () => {
    h = await startHarness();
    await h.client.application?.commands.set([persona.toJSON()], h.sim.guildId());
    h.client.on('interactionCreate', async (i) => {
      if (i.isAutocomplete()) {
        const typed = String(i.options.getFocused());
        await i.respond(
          ['captain', 'cook', 'bard'].filter((n) => n.startsWith(typed)).map((n) => ({ name: n, value: n })),
        );
        return;
      }
      if (!i.isChatInputCommand()) return;
      await i.deferReply({ flags: 64 });
      await i.editReply(`now playing ${i.options.getSubcommand()} ${i.options.getString('name')}`);
      await i.followUp({ content: 'enjoy', flags: 64 });
    });
    const handle = await h.sim.slash({ user: 'alice' }, 'persona', {
      subcommand: 'set',
      options: { name: 'captain' },
    });
    const first = await handle.firstResponse();
    expect(first.type).toBe(InteractionResponseType.DeferredChannelMessageWithSource);
    expect(handle.deferred).toBe(true);
    expect(handle.ephemeral).toBe(true);
    await handle.edited(1);
    expect(handle.content).toBe('now playing set captain');
    await handle.followedUp(1);
    expect(handle.followUps).toEqual([{ content: 'enjoy', ephemeral: true }]);
    expect(handle.timeToFirstResponseMs).toBeGreaterThanOrEqual(0);
    const choices = await h.sim.autocomplete({ user: 'bob' }, 'persona', {
      subcommand: 'set',
      options: { name: 'c' },
      focused: 'name',
    });
    expect(choices.map((c) => c.value)).toEqual(['captain', 'cook']);
  });

  it('records channel messages, webhooks and nickname changes; unknown routes get a Discord 404', async () => {
    h = await startHarness();
    const channel = h.client.channels.cache.get(h.sim.channelId('general'));
    if (!channel?.isTextBased() || channel.isDMBased() || !('createWebhook' in channel))
      throw new Error('no text channel');
    await channel.send('hello tavern');
    const hook = await channel.createWebhook({ name: 'Captain' });
    await hook.send({ content: 'Ahoy!', username: 'Captain' });
    await h.client.guilds.cache.get(h.sim.guildId())?.members.me?.setNickname('Captain');
    expect(h.sim.messages.map((m) => [m.via, m.content])).toEqual([
      ['channel', 'hello tavern'],
      ['webhook', 'Ahoy!'],
    ]);
    expect(h.sim.world.guild().members.get(h.sim.botUserId)?.nick).toBe('Captain');
    const rest = new REST({ api: h.sim.restApi, retries: 0 }).setToken(h.sim.token);
    await expect(rest.get('/nowhere/to/be/found')).rejects.toMatchObject({ status: 404, code: 0 });
    expect(h.sim.requests.find((r) => r.path === '/nowhere/to/be/found')?.status).toBe(404);
  });

  it('answers a rate-limited route with 429 and the client retries after retry_after', async () => {
    h = await startHarness();
    const channel = h.client.channels.cache.get(h.sim.channelId('general'));
    if (!channel?.isSendable()) throw new Error('no text channel');
    h.sim.faults.rateLimit({ method: 'POST', path: '/messages', count: 1, retryAfterMs: 50 });
    await channel.send('after the limit');
    const statuses = h.sim.requests.filter((r) => r.path.endsWith('/messages')).map((r) => r.status);
    expect(statuses).toEqual([429, 200]);
  });

  it('lets the client resume after the gateway connection is killed, replaying missed events', async () => {
    h = await startHarness();
    const sim = h.sim;
    sim.faults.killGateway(4000);
    sim.joinVoice('bob', 'Hearth'); // dispatched while the client is away: must be replayed on resume
    const update = once(h.client, 'voiceStateUpdate');
    await sim.until(() => sim.stats.gateway.resumes === 1);
    await update;
    expect(sim.stats.gateway.identifies).toBe(1);
    const bob = h.client.guilds.cache.get(sim.guildId())?.voiceStates.cache.get(sim.user('bob').id);
    expect(bob?.channelId).toBe(sim.channelId('Hearth'));
  });
});
