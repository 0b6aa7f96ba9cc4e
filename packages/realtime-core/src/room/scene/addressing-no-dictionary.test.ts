// Before the pinyin dictionary has loaded (a scene starts loading it), Han names still match by character.
import { describe, expect, it } from 'vitest';
import { AddressBook } from './addressing.ts';
import { pinyinOf } from './phonetics.ts';

describe('addressing without the pinyin dictionary', () => {
  it('matches Han names exactly and skips homophones', () => {
    expect(pinyinOf('玛拉')).toBeUndefined();
    const book = new AddressBook([{ id: 'mara', names: ['Mara', '玛拉'] }]);
    expect(book.find('玛拉，走吧')[0]).toMatchObject({ id: 'mara', kind: 'exact', vocative: true });
    expect(book.find('马拉，走吧')).toEqual([]);
  });
});
