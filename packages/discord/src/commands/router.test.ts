import { importCharacterCardWithWarnings } from '@troupe/realtime-core';
import { ChannelType } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { commandTestContext } from '../testing/command-context.ts';
import { fakeInteraction } from '../testing/fake-interaction.ts';
import { routeInteraction } from './router.ts';

const vc = { id: 'vc1', guildId: 'g1', name: 'Lounge', type: ChannelType.GuildVoice };

const contexts: Awaited<ReturnType<typeof commandTestContext>>[] = [];
afterEach(async () => {
  await Promise.all(contexts.splice(0).map((c) => c.close()));
});
async function setup() {
  const c = await commandTestContext();
  contexts.push(c);
  return c;
}

describe('interaction router', () => {
  it('joins the caller’s channel with the default persona, then leaves', async () => {
    const { voice, run } = await setup();
    expect(await run('join', { voiceChannel: vc })).toContain('**Captain** joined <#vc1>');
    expect(voice.get('g1')?.persona.id).toBe('captain');
    expect(await run('join', { voiceChannel: vc })).toContain('already in');
    expect(await run('leave')).toContain('left');
    expect(await run('leave')).toMatch(/^⚠️ No persona .* `\/join`/);
  });

  it('explains what to do when not in a voice channel or the persona is unknown', async () => {
    const { run } = await setup();
    expect(await run('join')).toMatch(/Join a voice channel first/);
    expect(await run('join', { voiceChannel: vc, options: { persona: 'nobody' } })).toMatch(
      /`\/persona list`/,
    );
  });

  it('switches persona mid-session, honouring the switch role', async () => {
    const { store, voice, run, posted } = await setup();
    await run('join', { voiceChannel: vc });
    expect(await run('persona', { sub: 'set', options: { persona: 'teller' } })).toContain('Switched');
    expect(posted.at(-1)?.en).toMatch(/<@u1> switched the character to \*\*说书人\*\*.*new voice/);
    expect(voice.get('g1')?.persona.id).toBe('teller');
    await store.updateSettings('g1', { personaSwitchRoleId: 'r9' });
    expect(await run('persona', { sub: 'set', options: { persona: 'buddy' } })).toMatch(
      /needs the <@&r9> role/,
    );
    expect(await run('persona', { sub: 'set', options: { persona: 'buddy' }, roles: ['r9'] })).toContain(
      'Switched',
    );
  });

  it('imports a card for admins only, visible only in that guild', async () => {
    const { run, ctx } = await setup();
    const card = { url: 'http://127.0.0.1/card.json', name: 'elf.json', size: 50 };
    expect(await run('persona', { sub: 'import', options: { card } })).toMatch(/Manage Server/);
    expect(await run('persona', { sub: 'import', admin: true, options: { card } })).toContain(
      'Imported **Elf**',
    );
    expect(await ctx.registry.get('g1', 'elf')).toBeDefined();
    expect(await ctx.registry.get('g2', 'elf')).toBeUndefined();
    const big = { ...card, size: 10_000 };
    expect(await run('persona', { sub: 'import', admin: true, options: { card: big } })).toMatch(
      /at most 1 KiB/,
    );
    expect(await run('persona', { sub: 'remove', admin: true, options: { persona: 'captain' } })).toMatch(
      /built in/,
    );
    expect(await run('persona', { sub: 'remove', admin: true, options: { persona: 'elf' } })).toContain(
      'Removed',
    );
  });

  it('imports a real Character Card V2 JSON and rejects a non-card with a fix', async () => {
    const { run, ctx } = await setup();
    ctx.maxCardBytes = 2 * 1024 * 1024;
    ctx.importCard = importCharacterCardWithWarnings;
    const card = {
      spec: 'chara_card_v2',
      data: { name: 'Captain', description: 'A sky pirate.', first_mes: 'Yo-ho!' },
    };
    let body = JSON.stringify(card);
    ctx.downloadCard = async () => new TextEncoder().encode(body);
    const att = { url: 'http://127.0.0.1/c.json', name: 'c.json', size: body.length };
    const reply = await run('persona', { sub: 'import', admin: true, options: { card: att } });
    expect(reply).toContain('as `captain-2`');
    expect((await ctx.registry.get('g1', 'captain-2'))?.persona.greeting).toBe('Yo-ho!');
    body = '{"hello":1}';
    expect(await run('persona', { sub: 'import', admin: true, options: { card: att } })).toMatch(
      /not a usable Character Card.*SillyTavern/,
    );
  });

  it('handles opt-out, status, reset and settings', async () => {
    const { store, voice, run } = await setup();
    expect(await run('voice', { sub: 'optout' })).toContain('will not be sent');
    expect(store.isOptedOut('g1', 'u1')).toBe(true);
    await run('voice', { sub: 'optin' });
    expect(store.isOptedOut('g1', 'u1')).toBe(false);
    await run('join', { voiceChannel: vc });
    const status = await run('voice', { sub: 'status' });
    expect(status).toMatch(/Alice[\s\S]*570/);
    await run('voice', { sub: 'reset' });
    expect((voice.get('g1') as unknown as { resets: number }).resets).toBe(1);
    expect(await run('settings', { sub: 'cap', options: { minutes: 30 } })).toMatch(/Manage Server/);
    expect(await run('settings', { sub: 'cap', admin: true, options: { minutes: 30 } })).toContain('30 min');
    expect(
      await run('settings', { sub: 'default-persona', admin: true, options: { persona: 'teller' } }),
    ).toContain('说书人');
    expect(await run('settings', { sub: 'transcripts', admin: true, options: { enabled: true } })).toContain(
      'on, in the voice channel chat',
    );
  });

  it('refuses /join at the cap and reports unexpected errors without rejecting', async () => {
    const { store, voice, run } = await setup();
    await store.updateSettings('g1', { dailyCapMinutes: 1 });
    await store.addUsage('g1', new Date().toISOString().slice(0, 10), 60_000, 0);
    expect(await run('join', { voiceChannel: vc })).toMatch(/used up.*resets at 00:00 UTC/);
    await store.updateSettings('g1', { dailyCapMinutes: null });
    voice.join = async () => {
      throw new Error('boom');
    };
    expect(await run('join', { voiceChannel: vc })).toMatch(/Something went wrong \(reference `i1`\)/);
  });

  it('answers autocomplete with at most 25 valid choices, even for garbage', async () => {
    const { ctx } = await setup();
    for (const value of ['cap', 42, undefined, '\u0000\u0000']) {
      const { interaction, out } = fakeInteraction(
        'join',
        { focused: { name: 'persona', value } },
        'autocomplete',
      );
      await routeInteraction(ctx, interaction);
      expect(out.calls).toEqual(['respond']);
      expect(out.choices.length).toBeLessThanOrEqual(25);
    }
    const { interaction, out } = fakeInteraction('join', {}, 'autocomplete');
    await routeInteraction(ctx, interaction);
    expect(out.choices).toEqual([]);
  });
});
