// Addressing by name: exact, nicknames, other scripts and recogniser errors hit; ordinary speech does not.
import { beforeAll, describe, expect, it } from 'vitest';
import { ADDRESSED, AddressBook, MENTIONED } from './addressing.ts';
import { latinSkeleton, loadPinyin, pinyinOf, pinyinSkeleton } from './phonetics.ts';

const cast = [
  { id: 'mara', names: ['Captain Mara Voss', 'Mara', 'captain', '玛拉'] },
  { id: 'brannoc', names: ['Brannoc', 'Old Ferryman'] },
  { id: 'yulan', names: ['玉兰', 'Yulan'] },
];

beforeAll(() => loadPinyin());

function addressed(text: string, book = new AddressBook(cast, ['Alice', 'Mary'])): string[] {
  return book
    .find(text)
    .filter((h) => h.score >= ADDRESSED)
    .map((h) => h.id);
}

describe('addressing by name', () => {
  it.each([
    ['Mara, what do you think?', ['mara']],
    ['What do you think, Mara?', ['mara']],
    ['hey Mara what is the plan', ['mara']],
    ['Captain, take us out.', ['mara']],
    ['Brannoc, how much for the crossing?', ['brannoc']],
    ['I think Mara is lying, Brannoc.', ['brannoc', 'mara']],
    ['Mara and Brannoc, what do you both say?', ['mara', 'brannoc']],
    ['Mara Voss, report!', ['mara']],
  ])('English: %s', (text, ids) => {
    expect(addressed(text)).toEqual(ids);
  });

  it.each([
    ['玛拉，你怎么看？', ['mara']],
    ['你怎么看，玛拉', ['mara']],
    ['嘿玛拉，我们出发吧', ['mara']],
    ['玉兰你好', ['yulan']],
    ['我觉得玛拉在撒谎，玉兰', ['yulan', 'mara']],
  ])('Chinese: %s', (text, ids) => {
    expect(addressed(text)).toEqual(ids);
  });

  it('recogniser errors: a near spelling, a split name, a homophone, a transliteration, pinyin', () => {
    const hit = (text: string) => new AddressBook(cast).find(text)[0];
    expect(hit('Brannock, are you there?')).toMatchObject({ id: 'brannoc', kind: 'fuzzy', vocative: true });
    expect(hit('Bran noc, row faster')).toMatchObject({ id: 'brannoc', kind: 'split' });
    expect(hit('Marra, over here!')).toMatchObject({ id: 'mara', kind: 'fuzzy' });
    expect(hit('马拉，你听到了吗')).toMatchObject({ id: 'mara', kind: 'homophone', vocative: true });
    expect(hit('布兰诺克，过来')).toMatchObject({ id: 'brannoc', kind: 'transliteration' });
    const hanOnly = new AddressBook([{ id: 'yulan', names: ['玉兰'] }]);
    expect(hanOnly.find('Yu Lan, come here')[0]).toMatchObject({ id: 'yulan', kind: 'homophone' });
    expect(addressed('育兰你在吗')).toEqual(['yulan']);
  });

  it.each([
    'Mark my words, the river is high.',
    'I need more rope.',
    'The captain of the guard is drunk.',
    'We ran the marathon yesterday.',
    'I saw Marra at the market.',
    '我喜欢吃麻辣火锅',
    '马拉松比赛明天开始',
    'Mary, can you pass the salt?',
    'my brand new knock-off boots',
  ])('ordinary speech addresses nobody: %s', (text) => {
    expect(addressed(text)).toEqual([]);
  });

  it('a mention is weaker than a call, and a possessive is not a call', () => {
    const book = new AddressBook(cast);
    const [mention] = book.find('I think Mara is lying');
    expect(mention).toMatchObject({ id: 'mara', vocative: false });
    expect(mention!.score).toBeGreaterThanOrEqual(ADDRESSED);
    expect(mention!.score).toBeLessThan(1);
    expect(book.find("Mara's boat is leaking")[0]).toMatchObject({ vocative: false });
    // A near spelling only mentioned is below the address threshold.
    const near = book.find('I think Marra is lying')[0];
    expect(near?.score ?? 0).toBeLessThan(ADDRESSED);
    expect(near?.score ?? MENTIONED).toBeGreaterThanOrEqual(MENTIONED);
  });

  it('a name that is an ordinary word counts only as a call or a proper noun', () => {
    const book = new AddressBook([{ id: 'will', names: ['Will'] }]);
    expect(book.find('I will go now').filter((h) => h.score >= ADDRESSED)).toEqual([]);
    expect(book.find('Will, come here')[0]).toMatchObject({ id: 'will', vocative: true });
    expect(book.find('I asked Will yesterday')[0]!.score).toBeGreaterThanOrEqual(ADDRESSED);
  });
});

describe('phonetics', () => {
  it('reduces transliterations and their Latin names to the same skeleton', () => {
    expect(latinSkeleton('Mara')).toBe(pinyinSkeleton(pinyinOf('玛拉')!));
    expect(latinSkeleton('Brannoc')).toBe(pinyinSkeleton(pinyinOf('布兰诺克')!));
    expect(latinSkeleton('Voss')).toBe(pinyinSkeleton(pinyinOf('沃斯')!));
    expect(latinSkeleton('Iris')).toBe(pinyinSkeleton(pinyinOf('艾丽丝')!));
  });
});
