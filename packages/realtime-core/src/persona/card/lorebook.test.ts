import { describe, expect, it } from 'vitest';
import { readCharacterCard } from './card-import.ts';
import type { Lorebook, LoreEntry } from './card-schema.ts';
import { LoreEngine, type LoreScanOptions, selectLore, type TranscriptLine } from './lorebook.ts';
import { enc, fixtureText } from './test-fixtures.ts';

let nextId = 0;
function entry(p: Partial<LoreEntry> & Pick<LoreEntry, 'content'>): LoreEntry {
  return {
    id: String(nextId++),
    keys: [],
    secondaryKeys: [],
    selective: false,
    selectiveLogic: 'and_any',
    enabled: true,
    constant: false,
    insertionOrder: 100,
    position: 'after_char',
    useRegex: false,
    excludeRecursion: false,
    preventRecursion: false,
    decorators: {},
    ...p,
  };
}
const book = (entries: LoreEntry[], extra: Partial<Lorebook> = {}): Lorebook => ({ entries, ...extra });
const says = (...texts: string[]): TranscriptLine[] => texts.map((text) => ({ speaker: 'Ana', text }));
const opts: LoreScanOptions = { char: 'Brannoc', user: 'Ana' };
const fired = (b: Lorebook, lines: TranscriptLine[], o: Partial<LoreScanOptions> = {}) =>
  selectLore(b, lines, { ...opts, ...o }).entries.map((e) => e.text);

describe('keys', () => {
  const dragon = entry({ keys: ['dragon'], content: 'Dragons sleep under the hill.' });

  it('match whole words, case-insensitively by default', () => {
    expect(fired(book([dragon]), says('A DRAGON!'))).toEqual(['Dragons sleep under the hill.']);
    expect(fired(book([dragon]), says('Snapdragons bloom.'))).toEqual([]);
    expect(fired(book([dragon]), says('dragonfly'))).toEqual([]);
    expect(fired(book([dragon]), says('the dragon, the'))).toHaveLength(1);
  });

  it('match as substrings in Chinese and other scripts without spaces', () => {
    const sword = entry({ keys: ['霜月'], content: '霜月是一把剑。' });
    expect(fired(book([sword]), says('你的霜月剑呢？'))).toEqual(['霜月是一把剑。']);
    const mixed = entry({ keys: ['Elf村'], content: 'village' });
    expect(fired(book([mixed]), says('我们去Elf村吧'))).toEqual(['village']);
    // A Latin key next to Chinese text: Chinese characters are not word characters, so it still matches.
    expect(fired(book([dragon]), says('我看见了dragon！'))).toHaveLength(1);
    // Full-width Latin (common in Chinese input methods) is folded.
    expect(fired(book([dragon]), says('ＤＲＡＧＯＮ来了'))).toHaveLength(1);
  });

  it('respect case sensitivity per entry', () => {
    const widow = entry({ keys: ['Widow'], caseSensitive: true, content: 'The Widow.' });
    expect(fired(book([widow]), says('the widow next door'))).toEqual([]);
    expect(fired(book([widow]), says('the Widow walks'))).toEqual(['The Widow.']);
  });

  it('can match inside words when the entry turns whole words off', () => {
    expect(fired(book([{ ...dragon, matchWholeWords: false }]), says('Snapdragons bloom.'))).toHaveLength(1);
  });

  it('resolve {{char}} and {{user}} in keys', () => {
    const e = entry({ keys: ['{{user}}'], content: 'About the speaker.' });
    expect(fired(book([e]), says('Ana is here'), { user: 'Ana' })).toHaveLength(1);
    expect(fired(book([e]), says('Ana is here'), { user: 'Bo' })).toEqual([]);
  });

  it('scan speaker names too (SillyTavern scans "Name: text")', () => {
    const e = entry({ keys: ['Ana'], content: 'Ana is a regular.' });
    expect(fired(book([e]), [{ speaker: 'Ana', text: 'hello' }])).toHaveLength(1);
  });
});

describe('regular-expression keys', () => {
  it('match /pattern/flags keys', () => {
    const ghost = entry({ keys: ['/\\bgh?osts?\\b/i'], content: 'Ghosts are real.' });
    expect(fired(book([ghost]), says('Any GOSTS here?'))).toHaveLength(1);
    expect(fired(book([ghost]), says('ghostly'))).toEqual([]);
  });

  it('run in linear time: a catastrophic pattern on a long line finishes and answers correctly', () => {
    const evil = entry({ keys: ['/(a+)+$/'], content: 'never' });
    const evil2 = entry({ keys: ['/(a|aa)*b/'], content: 'never either' });
    const line = `${'a'.repeat(1_999)}!`;
    // A backtracking engine would not return from these within the lifetime of the test run.
    expect(
      fired(
        book([evil, evil2]),
        Array.from({ length: 8 }, () => ({ text: line })),
        { defaultScanDepth: 8 },
      ),
    ).toEqual([]);
  });

  it('never match when the pattern is refused (lookaround, backreference, too long)', () => {
    for (const key of ['/(?=a)a/', '/(a)\\1/', `/${'a'.repeat(600)}/`]) {
      expect(fired(book([entry({ keys: [key], content: 'x' })]), says('aaaa'))).toEqual([]);
    }
  });

  it('take V3 use_regex keys as text or as a pattern', () => {
    const nav = entry({ keys: ['navigat(or|ion)'], useRegex: true, content: 'Stars.' });
    expect(fired(book([nav]), says('Ask the navigator.'))).toHaveLength(1);
    const plain = entry({ keys: ['Mr. Smith'], useRegex: true, content: 'Smith.' });
    expect(fired(book([plain]), says('Hello Mr. Smith'))).toHaveLength(1);
  });
});

describe('selective entries (secondary keys)', () => {
  const logic = (selectiveLogic: LoreEntry['selectiveLogic']) =>
    book([
      entry({
        keys: ['coin'],
        secondaryKeys: ['gold', 'silver'],
        selective: true,
        selectiveLogic,
        content: selectiveLogic,
      }),
    ]);
  const cases: [LoreEntry['selectiveLogic'], string, boolean][] = [
    ['and_any', 'a gold coin', true],
    ['and_any', 'a coin', false],
    ['and_all', 'a gold and silver coin', true],
    ['and_all', 'a gold coin', false],
    ['not_any', 'a coin', true],
    ['not_any', 'a gold coin', false],
    ['not_all', 'a gold coin', true],
    ['not_all', 'a gold and silver coin', false],
  ];
  it.each(cases)('%s on "%s" fires: %s', (l, text, expected) => {
    expect(fired(logic(l), says(text))).toHaveLength(expected ? 1 : 0);
  });

  it('ignores secondary keys when the entry is not selective (V2)', () => {
    const e = entry({ keys: ['coin'], secondaryKeys: ['gold'], selective: false, content: 'c' });
    expect(fired(book([e]), says('a coin'))).toHaveLength(1);
  });
});

describe('constant, enabled and scan depth', () => {
  it('always inserts constant entries and never disabled ones', () => {
    const b = book([
      entry({ constant: true, content: 'always' }),
      entry({ constant: true, enabled: false, content: 'never' }),
      entry({ keys: ['x'], enabled: false, content: 'never either' }),
    ]);
    expect(fired(b, says('x'))).toEqual(['always']);
  });

  it('scans only the newest lines: book scan_depth, entry scan depth, default 2', () => {
    const e = entry({ keys: ['lantern'], content: 'l' });
    const lines = says('the lantern', 'b', 'c');
    expect(fired(book([e]), lines)).toEqual([]);
    expect(fired(book([e], { scanDepth: 3 }), lines)).toHaveLength(1);
    expect(fired(book([{ ...e, scanDepth: 3 }]), lines)).toHaveLength(1);
    expect(fired(book([e]), lines, { defaultScanDepth: 3 })).toHaveLength(1);
    expect(fired(book([e], { scanDepth: 0 }), says('lantern'))).toEqual([]);
  });
});

describe('order and budget', () => {
  it('returns entries in insertion order (lower first)', () => {
    const b = book([
      entry({ constant: true, insertionOrder: 30, content: 'third' }),
      entry({ constant: true, insertionOrder: 10, content: 'first' }),
      entry({ constant: true, insertionOrder: 20, content: 'second' }),
    ]);
    expect(fired(b, [])).toEqual(['first', 'second', 'third']);
  });

  it('keeps the highest priority within the token budget and stops at the first that does not fit', () => {
    const words = (n: number) => Array.from({ length: n }, () => 'bob').join(' ');
    const b = book(
      [
        entry({ constant: true, insertionOrder: 1, priority: 5, content: words(10) }),
        entry({ constant: true, insertionOrder: 2, priority: 9, content: words(10) }),
        entry({ constant: true, insertionOrder: 3, priority: 1, content: words(2) }),
      ],
      { tokenBudget: 15 },
    );
    const s = selectLore(b, [], opts);
    expect(s.entries.map((e) => e.insertionOrder)).toEqual([2]);
    expect(s.overBudget).toHaveLength(2);
    expect(s.tokens).toBeLessThanOrEqual(s.budget);
  });

  it('falls back to insertion_order for the budget when entries have no priority (V3)', () => {
    const b = book(
      [
        entry({ constant: true, insertionOrder: 1, content: 'bob bob bob' }),
        entry({ constant: true, insertionOrder: 9, content: 'ann ann ann' }),
      ],
      { tokenBudget: 4 },
    );
    expect(fired(b, [])).toEqual(['ann ann ann']);
  });

  it('caps a card budget at the caller ceiling', () => {
    const b = book([entry({ constant: true, content: 'x' })], { tokenBudget: 1_000_000 });
    expect(selectLore(b, [], { ...opts, maxTokenBudget: 500 }).budget).toBe(500);
  });
});

describe('recursion', () => {
  const chain = (recursiveScanning?: boolean) =>
    book(
      [
        entry({ keys: ['lantern'], content: 'The lantern shows the marsh.' }),
        entry({ keys: ['marsh'], content: 'The marsh hides the bell.' }),
        entry({ keys: ['bell'], content: 'The bell tolls at the tower.' }),
        entry({ keys: ['tower'], content: 'The tower is empty.' }),
        entry({ keys: ['empty'], content: 'Nothing.' }),
      ],
      recursiveScanning === undefined ? {} : { recursiveScanning },
    );

  it('lets fired entries fire others when the book enables it, for a bounded number of steps', () => {
    expect(fired(chain(true), says('lantern'))).toHaveLength(4); // the first scan plus 3 recursion steps
    expect(fired(chain(true), says('lantern'), { maxRecursionSteps: 1 })).toHaveLength(2);
    const s = selectLore(chain(true), says('lantern'), opts);
    expect(s.entries.map((e) => e.reason)).toEqual(['key', 'recursion', 'recursion', 'recursion']);
  });

  it('does not recurse when the book does not enable it', () => {
    expect(fired(chain(), says('lantern'))).toHaveLength(1);
    expect(fired(chain(false), says('lantern'))).toHaveLength(1);
  });

  it('honours SillyTavern exclude_recursion and prevent_recursion', () => {
    const b = chain(true);
    b.entries[1] = { ...b.entries[1]!, excludeRecursion: true };
    expect(fired(b, says('lantern'))).toHaveLength(1);
    const c = chain(true);
    c.entries[0] = { ...c.entries[0]!, preventRecursion: true };
    expect(fired(c, says('lantern'))).toHaveLength(1);
  });
});

describe('decorators and conversation state', () => {
  it('@@activate fires without keys, @@dont_activate never fires', () => {
    const b = book([
      entry({ decorators: { activate: true }, content: 'on' }),
      entry({ keys: ['secret'], decorators: { dontActivate: true }, content: 'off' }),
    ]);
    expect(fired(b, says('the secret'))).toEqual(['on']);
  });

  it('@@additional_keys and @@exclude_keys narrow the match', () => {
    const e = entry({
      keys: ['sail'],
      decorators: { additionalKeys: ['wind'], excludeKeys: ['storm'] },
      content: 'fair',
    });
    expect(fired(book([e]), says('we sail'))).toEqual([]);
    expect(fired(book([e]), says('we sail with the wind'))).toHaveLength(1);
    expect(fired(book([e]), says('we sail with the wind into the storm'))).toEqual([]);
  });

  it('@@is_greeting, @@activate_only_after and @@activate_only_every use the state passed in', () => {
    const g = book([entry({ constant: true, decorators: { isGreeting: 1 }, content: 'g' })]);
    expect(fired(g, [], { greetingIndex: 1 })).toHaveLength(1);
    expect(fired(g, [], { greetingIndex: 0 })).toEqual([]);
    const after = book([entry({ constant: true, decorators: { activateOnlyAfter: 2 }, content: 'a' })]);
    expect(fired(after, [], { characterTurns: 1 })).toEqual([]);
    expect(fired(after, [], { characterTurns: 2 })).toHaveLength(1);
    const every = book([entry({ constant: true, decorators: { activateOnlyEvery: 3 }, content: 'e' })]);
    expect([0, 1, 2, 3, 6].map((characterTurns) => fired(every, [], { characterTurns }).length)).toEqual([
      1, 0, 0, 1, 1,
    ]);
  });

  it('@@keep_activate_after_match and @@dont_activate_after_match use earlier firings', () => {
    const keep = entry({
      id: 'k',
      keys: ['oath'],
      decorators: { keepActivateAfterMatch: true },
      content: 'kept',
    });
    const once = entry({
      id: 'o',
      keys: ['oath'],
      decorators: { dontActivateAfterMatch: true },
      content: 'once',
    });
    const b = book([keep, once]);
    expect(fired(b, says('an oath'))).toEqual(['kept', 'once']);
    expect(fired(b, says('nothing'), { previouslyFired: new Set(['k', 'o']) })).toEqual(['kept']);
    expect(fired(b, says('an oath'), { previouslyFired: new Set(['o']) })).toEqual(['kept']);
  });

  it('rolls entry probability with the injected random', () => {
    const b = book([entry({ constant: true, probability: 30, content: 'maybe' })]);
    expect(fired(b, [], { random: () => 0.1 })).toHaveLength(1);
    expect(fired(b, [], { random: () => 0.5 })).toEqual([]);
  });

  it('reports the prompts a fired entry disables', () => {
    const b = book([
      entry({ constant: true, decorators: { disablePrompts: ['post_history_instructions'] }, content: 'x' }),
    ]);
    expect(selectLore(b, [], opts).disablePrompts).toEqual(['post_history_instructions']);
  });
});

describe('real-world cards', () => {
  const ferry = readCharacterCard(enc(fixtureText('v2-ferryman')), 'f.json').card;
  const engine = new LoreEngine(ferry.lorebook!);

  const scene: TranscriptLine[] = [
    { speaker: 'Ana', text: 'Evening!' },
    { speaker: 'Brannoc', text: 'Two coins.' },
    { speaker: 'Ana', text: 'Fine, I paid. Raise your lantern, there are ghosts and a storm.' },
  ];

  it('fires the V2 card lorebook by its keys and keeps to its token budget (120)', () => {
    const s = engine.select(scene, opts);
    expect(s.entries.map((e) => [e.id, e.reason])).toEqual([
      ['6', 'key'], // storm: insertion order 40, at depth 2
      ['1', 'key'], // lantern: 50
      ['3', 'key'], // coin + paid (AND ANY): 70
      ['4', 'key'], // ghosts, and no "joke" (NOT ANY): 80
      ['0', 'constant'], // the river: 100
    ]);
    // The marsh, named by the lantern entry, comes by recursion but no longer fits the budget.
    expect(s.overBudget).toEqual(['2']);
    expect(s.budget).toBe(120);
    expect(s.tokens).toBeLessThanOrEqual(120);
    expect(s.entries.find((e) => e.id === '6')).toMatchObject({ position: 'at_depth', depth: 2 });
    expect(s.entries[1]!.text).toBe(
      "Brannoc's lantern burns green near the drowned, and it mentions the marsh.",
    );
  });

  it('fires by recursion when the budget allows', () => {
    const roomy = new LoreEngine({ ...ferry.lorebook!, tokenBudget: 400 });
    const s = roomy.select(scene, opts);
    expect(s.entries.map((e) => [e.id, e.reason])).toContainEqual(['2', 'recursion']);
    expect(s.overBudget).toEqual([]);
  });

  it('keeps to the scan depth of the card (3 lines) and the NOT ANY logic', () => {
    const s = engine.select(says('lantern', 'b', 'c', 'ghosts? only kidding'), opts);
    // Only the constant river entry, and the marsh its text names (recursion).
    expect(s.entries.map((e) => [e.id, e.reason])).toEqual([
      ['2', 'recursion'],
      ['0', 'constant'],
    ]);
  });
});
