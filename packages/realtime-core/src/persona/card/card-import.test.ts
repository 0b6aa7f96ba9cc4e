import { describe, expect, it } from 'vitest';
import { PersonaError } from '../errors.ts';
import { buildPngWithText } from '../png-text.ts';
import { readCharacterCard } from './card-import.ts';
import { b64, cardBytes, cardPng, enc, fixtureJson, fixtureText } from './test-fixtures.ts';

const read = (bytes: Uint8Array, name = 'card.json') => readCharacterCard(bytes, name);
const v2 = (data: Record<string, unknown>) => cardBytes({ spec: 'chara_card_v2', spec_version: '2.0', data });

describe('reading cards of each version', () => {
  it('reads a V1 card: flat fields, <BOT>/<USER> kept as templates', () => {
    const { card, warnings } = read(enc(fixtureText('v1-gardener')), 'tom.json');
    expect(card).toMatchObject({
      spec: 'v1',
      name: 'Old Tom',
      firstMessage: 'Ah, <USER>! Come see the roses.',
      personality: 'gentle, forgetful, cheerful',
      alternateGreetings: [],
      talkativeness: 0.5,
    });
    expect(card.description).toContain('<BOT> is a retired gardener');
    expect(card.exampleDialogues).toEqual([
      "<USER>: What's that one?\n<BOT>: That's Mabel. She sulks in the rain.",
    ]);
    expect(card.lorebook).toBeUndefined();
    expect(warnings).toEqual([]);
  });

  it('reads the older TavernAI/Pygmalion field names of V1 cards', () => {
    const { card } = read(
      cardBytes({
        char_name: 'Vex',
        char_persona: 'A thief.',
        world_scenario: 'A market.',
        char_greeting: 'Psst.',
        example_dialogue: '<START>\nVex: Shh.',
      }),
    );
    expect(card).toMatchObject({
      spec: 'v1',
      name: 'Vex',
      description: 'A thief.',
      scenario: 'A market.',
      firstMessage: 'Psst.',
    });
    expect(card.exampleDialogues).toEqual(['Vex: Shh.']);
  });

  it('reads a real-world-shaped V2 card with its lorebook and SillyTavern extensions', () => {
    const { card, warnings } = read(enc(fixtureText('v2-ferryman')), 'brannoc.json');
    expect(card.spec).toBe('v2');
    expect(card.systemPrompt).toBe('{{original}} Speak in short, weathered sentences.');
    expect(card.postHistoryInstructions).toBe('Stay gruff. Never let {{user}} cross without paying.');
    expect(card.alternateGreetings).toHaveLength(2);
    expect(card.exampleDialogues).toHaveLength(2);
    expect(card.talkativeness).toBe(0.3); // stored as the text "0.3" by SillyTavern
    expect(card.characterNote).toEqual({ text: '{{char}} hums an old rowing song when nervous.', depth: 4 });
    expect(card.creatorNotes).toContain('spooky river');
    expect(card.lorebook).toMatchObject({
      name: 'Black River',
      scanDepth: 3,
      tokenBudget: 120,
      recursiveScanning: true,
    });
    const entries = card.lorebook!.entries;
    expect(entries.map((e) => e.id)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7']);
    expect(entries[0]).toMatchObject({
      constant: true,
      position: 'before_char',
      label: 'The river (always)',
    });
    expect(entries[4]).toMatchObject({ selectiveLogic: 'not_any', keys: ['/\\bgh?osts?\\b/i'] });
    expect(entries[5]!.enabled).toBe(false);
    expect(entries[6]).toMatchObject({ position: 'at_depth', depth: 2 });
    expect(entries[7]).toMatchObject({ caseSensitive: true });
    expect(warnings).toEqual([]);
  });

  it('reads a V3 card: nickname, group-only greetings, decorators, assets, multilingual notes', () => {
    const { card, warnings } = read(enc(fixtureText('v3-navigator')), 'izzy.json');
    expect(card).toMatchObject({
      spec: 'v3',
      name: 'Isolde Varga',
      nickname: 'Izzy',
      groupOnlyGreetings: ['Right, crew, listen up. {{user}}, that means you too.'],
      avatarUrl: 'https://cdn.example.com/izzy.png',
      creatorNotes: 'A navigator for sky-pirate stories.',
      talkativeness: 0.8,
    });
    const byId = new Map(card.lorebook!.entries.map((e) => [e.id, e]));
    expect(byId.get('1')).toMatchObject({
      position: 'at_depth',
      depth: 0,
      content: 'The compass points to whatever {{char}} wants most.',
    });
    expect(byId.get('2')!.decorators).toEqual({ activate: true });
    expect(byId.get('3')!.decorators).toEqual({ dontActivate: true });
    // The unknown decorator's @@@ fallback applies; blank lines after decorators are trimmed.
    expect(byId.get('4')).toMatchObject({ scanDepth: 1, content: 'The map is torn at the northern edge.' });
    expect(byId.get('5')!.decorators).toEqual({ additionalKeys: ['wind', 'breeze'], excludeKeys: ['storm'] });
    expect(byId.get('6')!.decorators).toEqual({ isGreeting: 1 });
    expect(byId.get('7')!.position).toBe('personality');
    expect(warnings).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/lore entry 10: pattern \/\(\?=lookahead\)x\/ was refused/),
        expect.stringMatching(/decorator @@risu_only_decorator.*not supported/),
        expect.stringMatching(/decorator @@instruct_depth.*not supported/),
      ]),
    );
  });

  it('reads a Chinese card', () => {
    const { card } = read(enc(fixtureText('v2-zh-swordswoman')), 'linxue.json');
    expect(card.name).toBe('林雪');
    expect(card.exampleDialogues).toEqual(['{{user}}：你的剑叫什么？\n{{char}}：霜月。']);
    expect(card.lorebook!.entries.map((e) => e.keys)).toEqual([['霜月'], ['师父'], ['Sword']]);
    expect(card.talkativeness).toBe(0.4);
  });
});

describe('PNG cards', () => {
  const v3 = fixtureJson('v3-navigator');
  const v2card = fixtureJson('v2-ferryman');

  it('reads the V3 ccv3 chunk in preference to the V2 chara chunk', () => {
    expect(read(cardPng({ chara: v2card, ccv3: v3 }), 'izzy.png').card.name).toBe('Isolde Varga');
    expect(read(cardPng({ chara: v2card }), 'brannoc.png').card.name).toBe('Brannoc');
    expect(read(cardPng({ ccv3: v3 }, true), 'izzy-z.png').card.spec).toBe('v3');
  });

  it('falls back to the chara chunk when the ccv3 chunk is damaged, and says so', () => {
    const png = buildPngWithText({ chara: b64(JSON.stringify(v2card)), ccv3: '!!!not base64' });
    const { card, warnings } = read(png, 'mixed.png');
    expect(card.name).toBe('Brannoc');
    expect(warnings).toContain("the PNG's V3 card (ccv3) is damaged; its V2 card (chara) was used instead");
  });

  it('refuses a PNG whose only card is damaged, or that has none', () => {
    expect(() => read(buildPngWithText({ chara: '%%%' }), 'bad.png')).toThrow(
      /damaged \(it is not valid base64 or JSON\)/,
    );
    expect(() => read(buildPngWithText({ Comment: 'hi' }), 'pic.png')).toThrow(/carries no character card/);
  });

  it('reads a V1 card from a PNG chara chunk', () => {
    expect(read(cardPng({ chara: fixtureJson('v1-gardener') }), 'tom.png').card.spec).toBe('v1');
  });
});

describe('tolerance: optional fields of the wrong type degrade with a warning', () => {
  it('keeps the card and names each field it ignored', () => {
    const { card, warnings } = read(
      v2({
        name: 'Wobbly',
        description: 42,
        personality: { nested: true },
        alternate_greetings: 'Just one greeting',
        tags: 'cozy, slice of life',
        extensions: 'not an object',
        character_book: 'none',
        system_prompt: null,
      }),
    );
    expect(card).toMatchObject({
      name: 'Wobbly',
      description: '42',
      personality: '',
      alternateGreetings: ['Just one greeting'],
      tags: ['cozy', 'slice of life'],
      systemPrompt: '',
    });
    expect(warnings.toSorted()).toEqual([
      'data.character_book should be a lorebook object; it was ignored',
      'data.extensions should be an object but is a string; it was ignored',
      'data.personality should be text but is an object; it was ignored',
    ]);
  });

  it('drops malformed lorebook entries and keeps the good ones', () => {
    const { card, warnings } = read(
      v2({
        name: 'Booky',
        character_book: {
          entries: [
            'not an entry',
            { keys: 'dragon, wyrm', content: 'Dragons sleep.', enabled: 'true', insertion_order: '5' },
            { keys: [['nested']], content: 7 },
          ],
        },
      }),
    );
    expect(card.lorebook!.entries).toHaveLength(2);
    expect(card.lorebook!.entries[0]).toMatchObject({
      keys: ['dragon', 'wyrm'],
      enabled: true,
      insertionOrder: 5,
    });
    expect(warnings).toEqual(
      expect.arrayContaining([
        'data.character_book.entries.0 is not an entry object; it was ignored',
        'data.character_book.entries.2.keys: 1 item(s) that are not text were ignored',
      ]),
    );
  });

  it('survives hostile nesting in optional fields without walking it', () => {
    const depth = 200_000;
    const deep = `{"spec":"chara_card_v2","data":{"name":"Deep","tags":${'['.repeat(depth)}${']'.repeat(depth)},"extensions":{"x":${'['.repeat(depth)}${']'.repeat(depth)}}}}`;
    const { card, warnings } = read(enc(deep));
    expect(card.tags).toEqual([]);
    expect(warnings).toEqual(['data.tags: 1 item(s) that are not text were ignored']);
    expect(JSON.stringify(card).length).toBeLessThan(1000);
  });

  it('reads a card with a byte-order mark, or with an unknown or missing spec', () => {
    expect(
      read(enc(`\uFEFF${JSON.stringify({ spec: 'chara_card_v2', data: { name: 'Bom' } })}`)).card.name,
    ).toBe('Bom');
    const future = read(
      cardBytes({ spec: 'chara_card_v4', spec_version: '4.0', data: { name: 'Future', nickname: 'F' } }),
    );
    expect(future.card).toMatchObject({ spec: 'v3', nickname: 'F' });
    expect(future.warnings).toEqual(['the card\'s spec is "chara_card_v4"; it was read as V3']);
    expect(read(cardBytes({ data: { name: 'NoSpec' } })).card.spec).toBe('v2');
  });

  it('reads a V2-labelled card whose fields were left at the top level', () => {
    const { card, warnings } = read(cardBytes({ spec: 'chara_card_v2', name: 'Flat', first_mes: 'Hi.' }));
    expect(card).toMatchObject({ spec: 'v1', name: 'Flat', firstMessage: 'Hi.' });
    expect(warnings).toEqual(['the card says chara_card_v2 but has no "data"; it was read as a V1 card']);
  });

  it("reads lorebook entries written in SillyTavern's world-info shape", () => {
    const { card } = read(
      v2({
        name: 'ST',
        character_book: {
          entries: {
            7: {
              uid: 7,
              key: ['owl'],
              keysecondary: ['night'],
              selective: true,
              content: 'Owls.',
              disable: false,
              order: 3,
            },
            8: { key: ['x'], content: 'off', disable: true },
          },
        },
      }),
    );
    expect(card.lorebook!.entries[0]).toMatchObject({
      keys: ['owl'],
      secondaryKeys: ['night'],
      enabled: true,
      insertionOrder: 3,
    });
    expect(card.lorebook!.entries[1]!.enabled).toBe(false);
  });

  it('names a character whose name is only markup', () => {
    const { card, warnings } = read(v2({ name: '### <<<>>>' }));
    expect(card.name).toBe('Imported character');
    expect(warnings).toEqual([
      'data.name has no readable characters; the character is called "Imported character"',
    ]);
  });

  it('caps long fields and warns', () => {
    const { card, warnings } = read(
      v2({ name: 'Long', description: 'x'.repeat(40_000), alternate_greetings: Array(40).fill('hi') }),
    );
    expect(card.description).toHaveLength(16_000);
    expect(card.alternateGreetings).toHaveLength(16);
    expect(warnings).toEqual([
      'data.description was cut to 16000 characters',
      'data.alternate_greetings has 40 items; only the first 16 were kept',
    ]);
  });

  it('bounds the warnings a hostile card can produce', () => {
    const entries = Array.from({ length: 300 }, () => 'junk');
    const { warnings } = read(v2({ name: 'Noisy', character_book: { entries } }));
    expect(warnings).toHaveLength(41);
    expect(warnings.at(-1)).toMatch(/and \d+ more warnings/);
  });
});

describe('refusals say what is wrong and how to fix it', () => {
  it.each([
    [enc('[1,2,3]'), /not a Character Card V2\/V3 or a V1 card \(expected object, received an array\)/],
    [enc('nope'), /the card is not valid JSON/],
    [v2({ name: 42 }), /field "data\.name": should be the character's name as text \(received a number\)/],
    [v2({ description: 'no name' }), /field "data\.name": is missing/],
    [v2({ name: '   ' }), /field "data\.name": is empty/],
    [cardBytes({ spec: 'chara_card_v2', data: 'x' }), /field "data": .*keeps the character in "data"/],
    [cardBytes({ title: 'not a card' }), /neither "data" nor "name"/],
    [new Uint8Array(3 * 1024 * 1024), /under 2 MB/],
  ])('refuses bad input %#', (bytes, message) => {
    expect(() => read(bytes)).toThrow(message);
    expect(() => read(bytes)).toThrow(PersonaError);
    expect(() => read(bytes)).toThrow(/Fix: /);
  });
});
