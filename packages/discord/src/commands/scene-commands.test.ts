// /scene, /voice forget, /settings memory and the card options of /persona on the command layer:
// permissions like /persona set (addressed-only and forget: admins, or the switch role), public
// notices for what changed, private refusals in the reader's language.
import { ChannelType } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { translator } from '../i18n/translate.ts';
import { InMemorySceneStore } from '../memory/in-memory-scene-store.ts';
import { commandTestContext } from '../testing/command-context.ts';
import { fakeInteraction } from '../testing/fake-interaction.ts';
import { P } from '../testing/fake-voice.ts';
import { VoiceBudgetError } from '../voice/types.ts';
import { helpBody } from './info-commands.ts';
import { answerAutocomplete } from './router.ts';

const vc = { id: 'vc1', guildId: 'g1', name: 'Lounge', type: ChannelType.GuildVoice };

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const c of open.splice(0).reverse()) await c.close();
});

async function live() {
  const kit = await commandTestContext();
  open.push(kit);
  const session = kit.voice.open('g1', 'vc1', P.captain);
  return { ...kit, session };
}

describe('/scene', () => {
  it('adds and removes characters publicly, lists them privately', async () => {
    const { run, posted, session } = await live();
    expect(await run('scene', { sub: 'add', options: { persona: 'teller' } })).toMatch(
      /\*\*说书人\*\* joined the scene in <#vc1>\.\nEveryone in <#vc1> can see this/,
    );
    expect(session.characters.map((p) => p.id)).toEqual(['captain', 'teller']);
    expect(posted.at(-1)).toMatchObject({
      channelId: 'vc1',
      en: expect.stringContaining('<@u1> added **说书人**'),
    });
    expect(posted.at(-1)?.zh).toContain('加入了这个场景');
    const list = await run('scene', { sub: 'list' });
    expect(list).toMatch(/Captain\*\* `captain` — lead · connected[\s\S]*说书人\*\* `teller`/);
    expect(list).toMatch(/Mode: \*\*lead \(the lead character answers\)\*\*/);
    expect(list).toMatch(/Model sessions: 2 of 3 for this scene · 1 of 5 for the whole bot/);
    expect(await run('scene', { sub: 'remove', options: { persona: 'teller' } })).toContain('left the scene');
    expect(posted.at(-1)?.en).toContain('removed **说书人**');
    expect(session.characters.map((p) => p.id)).toEqual(['captain']);
  });

  it('refuses privately: no session, unknown persona, duplicate, full, last one, busy budget', async () => {
    const empty = await commandTestContext();
    open.push(empty);
    expect(await empty.run('scene', { sub: 'add', options: { persona: 'teller' } })).toMatch(
      /^⚠️ No character is in a voice channel/,
    );
    const { run, posted, session, ctx } = await live();
    expect(await run('scene', { sub: 'add', options: { persona: 'nobody' } })).toContain(
      'No persona called `nobody`',
    );
    expect(await run('scene', { sub: 'add', options: { persona: 'captain' } })).toContain(
      'Captain is already in the scene',
    );
    session.maxCast = 2;
    await run('scene', { sub: 'add', options: { persona: 'teller' } });
    expect(await run('scene', { sub: 'add', options: { persona: 'buddy' }, locale: 'zh-CN' })).toContain(
      '场景里已经有 2 个角色',
    );
    expect(await run('scene', { sub: 'remove', options: { persona: 'buddy' } })).toContain(
      '`buddy` is not in the scene',
    );
    await run('scene', { sub: 'remove', options: { persona: 'teller' } });
    expect(await run('scene', { sub: 'remove', options: { persona: 'captain' } })).toContain('Use `/leave`');
    session.addCharacter = async () => {
      throw new VoiceBudgetError(5);
    };
    expect(await run('scene', { sub: 'add', options: { persona: 'buddy' } })).toMatch(
      /All 5 voice model sessions/,
    );
    const before = posted.length;
    expect(ctx.voice.get('g1')?.characters.map((p) => p.id)).toEqual(['captain']);
    expect(posted).toHaveLength(before);
  });

  it('needs the switch role to change the cast; addressed-only needs an admin', async () => {
    const { run, store, session } = await live();
    await store.updateSettings('g1', { personaSwitchRoleId: 'r9' });
    expect(await run('scene', { sub: 'add', options: { persona: 'teller' } })).toContain('<@&r9>');
    expect(await run('scene', { sub: 'next' })).toContain('<@&r9>');
    expect(await run('scene', { sub: 'add', roles: ['r9'], options: { persona: 'teller' } })).toContain(
      'joined',
    );
    expect(
      await run('scene', { sub: 'addressed-only', roles: ['r9'], options: { enabled: true } }),
    ).toContain('Only server admins');
    expect(session.settings.addressedOnly).toBe(false);
    expect(await run('scene', { sub: 'addressed-only', admin: true, options: { enabled: true } })).toContain(
      'Addressed-only is now **on** in <#vc1>',
    );
    expect(session.settings.addressedOnly).toBe(true);
    expect(await run('scene', { sub: 'list' })).toContain('characters answer only when called by name');
  });

  it('sets the mode of the scene’s channel (or the caller’s) and asks a character to speak', async () => {
    const { run, posted, session, voice } = await live();
    await run('scene', { sub: 'add', options: { persona: 'teller' } });
    expect(await run('scene', { sub: 'mode', options: { mode: 'round-robin' }, locale: 'zh-CN' })).toContain(
      '轮流',
    );
    expect(session.settings.mode).toBe('round-robin');
    expect(posted.at(-1)?.en).toContain('set this scene’s mode to **round-robin (characters take turns)**');
    expect(await run('scene', { sub: 'next', options: { persona: 'teller' } })).toContain(
      'Asked **说书人** to speak',
    );
    expect(await run('scene', { sub: 'next' })).toContain('Asked the next character');
    expect(session.nexts).toEqual(['teller', undefined]);
    expect(await run('scene', { sub: 'next', options: { persona: 'buddy' } })).toContain('not in the scene');
    // No session: the setting is for the caller's channel, kept for when a session starts there.
    await voice.leave('g1');
    expect(await run('scene', { sub: 'mode', voiceChannel: vc, options: { mode: 'natural' } })).toContain(
      'The mode in <#vc1> is now **natural',
    );
    expect(voice.channelScene('g1', 'vc1').mode).toBe('natural');
    expect(await run('scene', { sub: 'mode', options: { mode: 'natural' } })).toContain('join one first');
  });

  it('completes scene members for remove and next, personas for add', async () => {
    const { ctx } = await live();
    await ctx.voice.get('g1')?.addCharacter(P.teller);
    const complete = async (sub: string, value: string) => {
      const { interaction, out } = fakeInteraction(
        'scene',
        { sub, focused: { name: 'persona', value } },
        'autocomplete',
      );
      await answerAutocomplete(ctx, interaction);
      return (out.choices as { value: string }[]).map((c) => c.value);
    };
    expect(await complete('remove', '')).toEqual(['captain', 'teller']);
    expect(await complete('next', '说书')).toEqual(['teller']);
    expect(await complete('add', 'bud')).toEqual(['buddy']);
  });
});

describe('scene memory commands', () => {
  it('/voice forget erases the channel’s memory (admins or the switch role), publicly', async () => {
    const { run, ctx, posted, store } = await live();
    const memory = new InMemorySceneStore();
    ctx.sceneMemory = memory;
    const line = {
      guildId: 'g1',
      characterId: 'captain',
      speakerKind: 'member',
      speakerId: 'u2',
      speakerName: 'Bo',
      text: 'hi',
      at: Date.now(),
    } as const;
    await memory.append([
      { ...line, channelId: 'vc1' },
      { ...line, channelId: 'vc2' },
    ]);
    expect(await run('voice', { sub: 'forget' })).toMatch(/Only server admins .* erase scene memory/);
    await store.updateSettings('g1', { personaSwitchRoleId: 'r9' });
    expect(await run('voice', { sub: 'forget' })).toContain('needs Manage Server or the <@&r9> role');
    expect(await run('voice', { sub: 'forget', roles: ['r9'] })).toContain(
      'Erased the scene memory of <#vc1> (1 lines)',
    );
    expect(posted.at(-1)).toMatchObject({ channelId: 'vc1', en: expect.stringContaining('<@u1> erased') });
    expect(memory.lines.map((l) => l.channelId)).toEqual(['vc2']);
    ctx.sceneMemory = undefined;
    expect(await run('voice', { sub: 'forget', admin: true })).toContain('stores no scene memory');
  });

  it('/voice optout erases the member’s stored lines and tells the running session', async () => {
    const { run, ctx, session } = await live();
    const memory = new InMemorySceneStore();
    ctx.sceneMemory = memory;
    const at = Date.now();
    const base = { guildId: 'g1', channelId: 'vc1', characterId: 'captain', speakerName: 'x', text: 't', at };
    await memory.append([
      { ...base, speakerKind: 'member', speakerId: 'u1' },
      { ...base, speakerKind: 'member', speakerId: 'u2' },
      { ...base, speakerKind: 'character', speakerId: 'u1' },
    ]);
    expect(await run('voice', { sub: 'optout' })).toContain('erased from their memory (1 lines)');
    expect(session.optedOut).toEqual(['u1']);
    expect(memory.lines.map((l) => `${l.speakerKind}:${l.speakerId}`)).toEqual(['member:u2', 'character:u1']);
  });

  it('/settings memory sets the retention (admins), shown in /settings show and in the join notice', async () => {
    const kit = await commandTestContext();
    open.push(kit);
    const { run, ctx, posted } = kit;
    expect(await run('settings', { sub: 'memory', admin: true, options: { days: 7 } })).toContain(
      'stores no scene memory',
    );
    ctx.sceneMemory = new InMemorySceneStore();
    expect(await run('settings', { sub: 'show', admin: true })).toContain('Scene memory: kept 30 days');
    expect(await run('settings', { sub: 'memory', admin: true, options: { days: 400 } })).toContain(
      'between 0',
    );
    expect(await run('settings', { sub: 'memory', admin: true, options: { days: 7 } })).toContain(
      'kept 7 days',
    );
    await run('join', { voiceChannel: vc });
    expect(posted.at(-1)?.en).toContain('remember what is said here, as text, for 7 days');
    expect(
      await run('settings', { sub: 'memory', admin: true, options: { days: 0 }, locale: 'zh-CN' }),
    ).toContain('场景记忆：关闭');
  });
});

describe('/help', () => {
  it('lists the scene commands within Discord’s 1024-character field limit', () => {
    for (const lang of ['en', 'zh-CN'])
      for (const f of helpBody(translator(lang)).embeds?.[0]?.fields ?? [])
        expect(f.value.length).toBeLessThanOrEqual(1024);
    expect(JSON.stringify(helpBody(translator('en')))).toContain('/scene add');
  });
});
