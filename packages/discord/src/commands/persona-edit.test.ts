// Cards as written, on the command layer: /persona import takes a voice (autocompleted from the
// provider's catalogue, the card's suggestion first when editing) and shows what the importer
// ignored; /persona edit changes an imported persona's voice, greeting and name (admins).
import { importCharacterCardWithWarnings } from '@troupe/realtime-core';
import { afterEach, describe, expect, it } from 'vitest';
import { commandTestContext } from '../testing/command-context.ts';
import { fakeInteraction } from '../testing/fake-interaction.ts';
import { P } from '../testing/fake-voice.ts';
import { answerAutocomplete } from './router.ts';

const ferryman = {
  spec: 'chara_card_v2',
  spec_version: '2.0',
  data: {
    name: 'Brannoc',
    description: 'An old ferryman. He rows the dead across; his lantern burns green.',
    first_mes: 'Coin first, {{user}}.',
    alternate_greetings: ['Fog tonight.'],
    tags: ['male', 'old'],
    extensions: { depth_prompt: 3 },
  },
};

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const c of open.splice(0).reverse()) await c.close();
});

async function withCard(card: unknown = ferryman) {
  const kit = await commandTestContext();
  open.push(kit);
  kit.ctx.maxCardBytes = 2 * 1024 * 1024;
  kit.ctx.importCard = importCharacterCardWithWarnings;
  kit.ctx.downloadCard = async () => new TextEncoder().encode(JSON.stringify(card));
  const card$ = { url: 'https://cdn.discordapp.com/a/b.json', name: 'b.json', size: 500 };
  return { ...kit, card: card$ };
}

describe('/persona import with a voice, and its warnings', () => {
  it('suggests a voice from the card and says why; reports what was ignored, privately', async () => {
    const { run, card, store } = await withCard();
    const reply = await run('persona', { sub: 'import', admin: true, options: { card } });
    expect(reply).toMatch(/Imported \*\*Brannoc\*\* as `brannoc` \(voice `wenrounansheng`/);
    expect(reply).toMatch(/Voice `wenrounansheng`, suggested from the card \(tag "male"/);
    expect(reply).toMatch(/Ignored or cut while importing[\s\S]*depth_prompt should be an object/);
    expect((await store.listGuildPersonas('g1'))[0]?.voice).toBe('wenrounansheng');
  });

  it('takes the admin’s voice, and refuses one that is not a voice id', async () => {
    const { run, card, store } = await withCard();
    expect(
      await run('persona', { sub: 'import', admin: true, options: { card, voice: 'bad voice!' } }),
    ).toContain('is not a voice id');
    const reply = await run('persona', {
      sub: 'import',
      admin: true,
      options: { card, voice: 'voice-tone-Abc123' },
    });
    expect(reply).toContain('voice `voice-tone-Abc123`');
    expect(reply).not.toContain('suggested from the card');
    expect((await store.listGuildPersonas('g1'))[0]?.voice).toBe('voice-tone-Abc123');
  });

  it('autocompletes voices: the catalogue with Chinese names, cloned ids, the card’s suggestion first', async () => {
    const { run, card, ctx } = await withCard();
    await run('persona', { sub: 'import', admin: true, options: { card, voice: 'voice-tone-Abc123' } });
    const complete = async (sub: string, value: string, persona?: string) => {
      const { interaction, out } = fakeInteraction(
        'persona',
        { sub, focused: { name: 'voice', value }, options: persona ? { persona } : {} },
        'autocomplete',
      );
      await answerAutocomplete(ctx, interaction);
      return out.choices as { name: string; value: string }[];
    };
    const edit = await complete('edit', '', 'brannoc');
    expect(edit[0]).toEqual({
      value: 'wenrounansheng',
      name: expect.stringContaining('suggested for Brannoc'),
    });
    expect(edit[0]?.name).toContain('温柔男声');
    expect(edit.some((c) => c.value === 'voice-tone-Abc123')).toBe(true);
    expect(edit.length).toBeLessThanOrEqual(25);
    expect((await complete('import', 'voice-tone-Zz99'))[0]?.value).toBe('voice-tone-Zz99');
    expect((await complete('import', 'female')).every((c) => /female/.test(c.name))).toBe(true);
  });
});

describe('/persona edit', () => {
  it('changes voice, greeting and name of an imported persona (admins), card included', async () => {
    const { run, card, store, voice } = await withCard();
    await run('persona', { sub: 'import', admin: true, options: { card } });
    expect(await run('persona', { sub: 'edit', options: { persona: 'brannoc', name: 'X' } })).toContain(
      'Only server admins',
    );
    expect(
      await run('persona', { sub: 'edit', admin: true, options: { persona: 'captain', name: 'X' } }),
    ).toContain('is built in');
    expect(await run('persona', { sub: 'edit', admin: true, options: { persona: 'brannoc' } })).toContain(
      'Say what to change',
    );
    const stored = async () => (await store.listGuildPersonas('g1'))[0]!;
    voice.open('g1', 'vc1', await stored());
    const reply = await run('persona', {
      sub: 'edit',
      admin: true,
      options: {
        persona: 'brannoc',
        voice: 'qingchunshaonv',
        greeting: '  Hop in,\n{{user}}. ',
        name: 'Old Brannoc',
      },
    });
    expect(reply).toMatch(
      /Updated \*\*Old Brannoc\*\* \(`brannoc`\): voice `qingchunshaonv`, greeting .*, name \(was Brannoc\)/,
    );
    expect(reply).toContain('is talking right now in <#vc1>');
    expect(await stored()).toMatchObject({
      voice: 'qingchunshaonv',
      name: 'Old Brannoc',
      greeting: 'Hop in, {{user}}.',
    });
    expect((await stored()).card).toMatchObject({
      name: 'Old Brannoc',
      firstMessage: 'Hop in, {{user}}.',
      alternateGreetings: [],
    });
    expect(
      await run('persona', { sub: 'edit', admin: true, options: { persona: 'brannoc', name: ' \n ' } }),
    ).toContain('1 to 80 visible characters');
    expect(P.captain.name).toBe('Captain');
  });
});
