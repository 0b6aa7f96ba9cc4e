import { describe, expect, it } from 'vitest';
import { importCharacterCard } from '../character-card.ts';
import { KNOWN_STEPFUN_VOICES } from '../schema.ts';
import { readCharacterCard } from './card-import.ts';
import { cardBytes, enc, fixtureText } from './test-fixtures.ts';
import {
  characterTraits,
  DEFAULT_VOICE_CATALOGUE,
  suggestVoice,
  type VoiceCatalogueEntry,
} from './voice-suggest.ts';

const card = (data: Record<string, unknown>) =>
  readCharacterCard(cardBytes({ spec: 'chara_card_v2', data }), 'c.json').card;
const gender = (id: string) => DEFAULT_VOICE_CATALOGUE.find((v) => v.id === id)!.gender;

describe('voice suggestion', () => {
  it('describes every documented StepFun voice', () => {
    for (const v of KNOWN_STEPFUN_VOICES) expect(DEFAULT_VOICE_CATALOGUE.map((c) => c.id)).toContain(v);
  });

  it.each([
    ['tags', { name: 'Rook', tags: ['male', 'knight'] }],
    [
      'pronouns',
      { name: 'Rook', description: '{{char}} is a knight. He guards the gate and his sword never rests.' },
    ],
    ['Chinese words', { name: '老李', description: '{{char}}是一位退休的老先生，他喜欢下棋。' }],
    ['Chinese tags', { name: 'X', tags: ['男性'] }],
  ])('never gives a clearly male character a female voice (%s)', (_label, data) => {
    const s = suggestVoice(card(data));
    expect(s.traits.gender).toBe('male');
    expect(gender(s.voice)).toBe('male');
    expect(s.fits).toBe(true);
  });

  it('gives female characters female voices, young ones a young voice', () => {
    const s = suggestVoice(
      card({ name: 'Lia', description: 'She is a cheerful student who loves her cat.' }),
    );
    expect(s.traits).toMatchObject({ gender: 'female', age: 'young', language: 'en' });
    expect(gender(s.voice)).toBe('female');
    expect(s.voice).toBe('livelybreezy-female');
  });

  it('prefers a voice that speaks the card language', () => {
    const zh = suggestVoice(readCharacterCard(enc(fixtureText('v2-zh-swordswoman')), 'z.json').card);
    expect(zh.traits).toMatchObject({ gender: 'female', language: 'zh' });
    expect(zh.voice).toBe('qingchunshaonv');
  });

  it('uses the catalogue it is given (a fuller catalogue can be swapped in)', () => {
    const catalogue: VoiceCatalogueEntry[] = [
      { id: 'narrator', gender: 'neutral' },
      { id: 'granny', gender: 'female', age: 'old' },
      { id: 'grandpa', gender: 'male', age: 'old', languages: ['en'] },
      { id: 'lad', gender: 'male', age: 'young', languages: ['en'] },
    ];
    const ferry = readCharacterCard(enc(fixtureText('v2-ferryman')), 'f.json').card;
    expect(suggestVoice(ferry, catalogue).voice).toBe('grandpa');
    expect(suggestVoice(card({ name: 'Nobody' }), catalogue).voice).toBe('narrator');
    // No male voice at all: a neutral one rather than a female one, and it says the fit is off.
    const noMale = suggestVoice(
      ferry,
      catalogue.filter((v) => v.gender !== 'male'),
    );
    expect(noMale.voice).toBe('narrator');
    expect(noMale.fits).toBe(true);
    const onlyFemale = suggestVoice(ferry, [{ id: 'granny', gender: 'female' }]);
    expect(onlyFemale.fits).toBe(false);
  });

  it('leaves ambiguous characters undecided', () => {
    const t = characterTraits(card({ name: 'Unit 7', description: 'A robot that sorts mail.' }));
    expect(t.gender).toBeUndefined();
  });

  it('is what an imported card gets, unless the card or the importer names a voice', () => {
    expect(importCharacterCard(enc(fixtureText('v2-ferryman')), 'f.json').voice).toBe('wenrounansheng');
    const named = cardBytes({
      spec: 'chara_card_v2',
      data: { name: 'N', tags: ['male'], extensions: { troupe: { voice: 'my-clone-1' } } },
    });
    expect(importCharacterCard(named, 'n.json').voice).toBe('my-clone-1');
    expect(importCharacterCard(named, 'n.json', { voice: 'chosen' }).voice).toBe('chosen');
  });
});
