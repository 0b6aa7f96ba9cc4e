import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  InteractionResponseType,
  MessageFlags,
  REST,
  Routes,
  SlashCommandBuilder,
} from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './harness.ts';

const pager = new SlashCommandBuilder().setName('pager').setDescription('A paged list');

const row = (page: number) =>
  new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder()
      .setCustomId(`page:${page - 1}`)
      .setLabel('Prev')
      .setStyle(ButtonStyle.Secondary)
      .setDisabled(page === 0),
    new ButtonBuilder()
      .setCustomId(`page:${page + 1}`)
      .setLabel('Next')
      .setStyle(ButtonStyle.Primary),
  );

/** A bot that answers /pager with an ephemeral page and buttons, and updates the page in place on a click. */
async function startPagerBot(h: Harness): Promise<string[]> {
  const seen: string[] = [];
  const rest = new REST({ api: h.sim.restApi }).setToken(h.sim.token);
  await rest.put(Routes.applicationGuildCommands(h.sim.applicationId, h.sim.guildId()), {
    body: [pager.toJSON()],
  });
  h.client.on('interactionCreate', async (i) => {
    if (i.isChatInputCommand()) {
      seen.push(`command:${i.locale}:${i.guildLocale}`);
      await i.deferReply({ flags: MessageFlags.Ephemeral });
      await i.editReply({ content: 'Page 0', components: [row(0)] });
    } else if (i.isButton()) {
      seen.push(`button:${i.customId}:${i.message.content}:${i.message.flags.has(MessageFlags.Ephemeral)}`);
      const page = Number(i.customId.split(':')[1]);
      await i.update({ content: `Page ${page}`, components: [row(page)] });
    }
  });
  return seen;
}

describe('message components (buttons) with the real discord.js client', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('delivers a click as a type 3 interaction carrying its message; type 7 updates that message', async () => {
    h = await startHarness({
      guilds: [
        {
          name: 'Teahouse',
          preferredLocale: 'zh-CN',
          channels: [{ name: 'general', type: 'text' }],
          members: [{ user: 'alice' }],
        },
      ],
      users: [{ username: 'alice' }],
    });
    const seen = await startPagerBot(h);
    const reply = await h.sim.slash({ user: 'alice', locale: 'zh-TW' }, 'pager');
    await reply.edited(1);
    expect(reply.message).toMatchObject({ content: 'Page 0', flags: MessageFlags.Ephemeral });
    expect(reply.message.id).toBeDefined();

    const click = h.sim.clickButton({ user: 'alice' }, reply, 'page:1');
    await click.firstResponse();
    expect(click.callbackType).toBe(InteractionResponseType.UpdateMessage);
    expect(click.message).toMatchObject({
      id: reply.message.id,
      content: 'Page 1',
      flags: MessageFlags.Ephemeral,
    });

    const again = h.sim.clickButton({ user: 'alice' }, click, 'page:2');
    await again.firstResponse();
    expect(again.message.content).toBe('Page 2');
    expect(seen).toEqual(['command:zh-TW:zh-CN', 'button:page:1:Page 0:true', 'button:page:2:Page 1:true']);
    expect(h.client.guilds.cache.get(h.sim.guildId())?.preferredLocale).toBe('zh-CN');
  });

  it('refuses to click a button that is missing or disabled, as Discord’s client cannot', async () => {
    h = await startHarness();
    await startPagerBot(h);
    const reply = await h.sim.slash({ user: 'alice' }, 'pager');
    await reply.edited(1);
    expect(() => h?.sim.clickButton({ user: 'alice' }, reply, 'page:-1')).toThrow(/disabled/);
    expect(() => h?.sim.clickButton({ user: 'alice' }, reply, 'page:9')).toThrow(/no button "page:9"/);
  });

  it('lets the bot delete its own channel message', async () => {
    h = await startHarness();
    const channel = await h.client.channels.fetch(h.sim.channelId('general'));
    if (!channel?.isSendable()) throw new Error('general is not sendable');
    const sent = await channel.send('notice');
    await sent.delete();
    expect(h.sim.messages.find((m) => m.id === sent.id)).toMatchObject({ content: 'notice', deleted: true });
    await expect(sent.delete()).rejects.toThrow(/Unknown Message/);
  });

  it('lists the bot’s guilds with its permissions (GET /users/@me/guilds)', async () => {
    h = await startHarness();
    const rest = new REST({ api: h.sim.restApi }).setToken(h.sim.token);
    const guilds = (await rest.get(Routes.userGuilds())) as {
      id: string;
      name: string;
      permissions: string;
    }[];
    expect(guilds.map((g) => g.name)).toEqual(['Tavern']);
    expect(BigInt(guilds[0]?.permissions ?? '0') > 0n).toBe(true);
  });
});
