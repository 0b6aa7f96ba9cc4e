// Suggests a voice for a character from its card: gender, age and language read from the tags, the
// description and the greeting, matched against a voice catalogue passed in (so a fuller StepFun catalogue
// can replace the default one). The one firm rule: a clearly male character never gets a female voice by
// default, and a clearly female one never a male voice, when the catalogue has a voice that fits.
import type { CharacterCard } from './card-schema.ts';
import { cjkShare } from './text.ts';

export type VoiceGender = 'male' | 'female' | 'neutral';
export type VoiceAge = 'child' | 'young' | 'adult' | 'old';

export interface VoiceCatalogueEntry {
  id: string;
  gender?: VoiceGender;
  age?: VoiceAge;
  /** Language tags the voice speaks well ("zh", "en"); absent = any. */
  languages?: readonly string[];
}

/**
 * StepFun's documented voices, described from their names (青春少女 youthful girl, 温柔男声 gentle male voice,
 * 邻家姐姐 girl-next-door elder sister). The first voice of a gender is its default.
 */
export const DEFAULT_VOICE_CATALOGUE: readonly VoiceCatalogueEntry[] = [
  { id: 'elegantgentle-female', gender: 'female', age: 'adult', languages: ['en', 'zh'] },
  { id: 'qingchunshaonv', gender: 'female', age: 'young', languages: ['zh', 'en'] },
  { id: 'livelybreezy-female', gender: 'female', age: 'young', languages: ['en', 'zh'] },
  { id: 'wenrounansheng', gender: 'male', age: 'adult', languages: ['zh', 'en'] },
  { id: 'linjiajiejie', gender: 'female', age: 'young', languages: ['zh'] },
];

export interface CharacterTraits {
  gender?: Exclude<VoiceGender, 'neutral'>;
  age?: VoiceAge;
  language: 'zh' | 'en';
  /** Why, for `/persona show` and the import reply. */
  evidence: string[];
}

const TAG_GENDER: [RegExp, 'male' | 'female'][] = [
  [
    /^(male|man|men|boy|boys|guy|husband|father|dad|king|prince|gentleman|bishounen|男|男性|男人|男生|男孩|少年|大叔|正太|父亲|哥哥|弟弟|王子|国王|老爷爷)$/i,
    'male',
  ],
  [
    /^(female|woman|women|girl|girls|lady|wife|mother|mom|queen|princess|waifu|maid|女|女性|女人|女生|女孩|少女|萝莉|御姐|母亲|姐姐|妹妹|公主|女王|老奶奶|女仆)$/i,
    'female',
  ],
];
const TEXT_MALE =
  /\b(he|him|his|himself|man|boy|gentleman|husband|father|king|prince|brother|son|sir|lord|guy|monk)\b/gi;
const TEXT_FEMALE =
  /\b(she|her|hers|herself|woman|girl|lady|wife|mother|queen|princess|sister|daughter|madam|maid)\b/gi;
const ZH_MALE = /[他]|男|少年|先生|哥哥|弟弟|父亲|爷爷|叔叔|王子|国王|公子|老头|大叔|丈夫/g;
const ZH_FEMALE = /[她]|女|少女|小姐|姐姐|妹妹|母亲|奶奶|阿姨|公主|女王|妻子|夫人|姑娘/g;
const AGE_WORDS: [RegExp, VoiceAge][] = [
  [/\b(child|kid|little (girl|boy)|loli|shota)\b|小孩|孩子|萝莉|正太|小女孩|小男孩/i, 'child'],
  [
    /\b(old|elderly|aged|grandfather|grandmother|grandpa|grandma|granny|old man|old woman|crone|elder)\b|老先生|老人|老头|老太|爷爷|奶奶|老婆婆|老爷爷|年迈|白发苍苍/i,
    'old',
  ],
  [
    /\b(teen|teenage|teenager|young|youth|student|schoolgirl|schoolboy|highschool|college)\b|少年|少女|学生|年轻|青春|高中|大学生/i,
    'young',
  ],
];

/** Reads the gender, age and language a card suggests. */
export function characterTraits(
  card: Pick<CharacterCard, 'name' | 'description' | 'personality' | 'firstMessage' | 'tags'>,
): CharacterTraits {
  const evidence: string[] = [];
  let male = 0;
  let female = 0;
  for (const tag of card.tags) {
    for (const [re, g] of TAG_GENDER) {
      if (re.test(tag.trim())) {
        if (g === 'male') male += 6;
        else female += 6;
        evidence.push(`tag "${tag}"`);
      }
    }
  }
  // Description and personality describe the character; the greeting is the character speaking (its "you"
  // and "she" are others), so it only counts for language.
  const about = `${card.description}\n${card.personality}`.replace(/\{\{char\}\}|<bot>|<char>/gi, card.name);
  const count = (re: RegExp) => about.match(re)?.length ?? 0;
  const textMale = Math.min(count(TEXT_MALE), 8) + Math.min(count(ZH_MALE), 8);
  const textFemale = Math.min(count(TEXT_FEMALE), 8) + Math.min(count(ZH_FEMALE), 8);
  male += textMale;
  female += textFemale;
  if (textMale || textFemale) evidence.push(`description: ${textMale} male and ${textFemale} female words`);
  let gender: CharacterTraits['gender'];
  // Clearly one or the other: ahead by half again, and by at least two words (or one tag).
  if (male >= 2 && male >= female * 1.5) gender = 'male';
  else if (female >= 2 && female >= male * 1.5) gender = 'female';
  let age: VoiceAge | undefined;
  const ageText = `${card.tags.join(' ')}\n${about}`;
  for (const [re, a] of AGE_WORDS) {
    const m = re.exec(ageText);
    if (m) {
      age = a;
      evidence.push(`age: "${m[0]}"`);
      break;
    }
  }
  const language = cjkShare(`${card.name}${card.description}${card.firstMessage}`) >= 0.2 ? 'zh' : 'en';
  return { ...(gender ? { gender } : {}), ...(age ? { age } : {}), language, evidence };
}

export interface VoiceSuggestion {
  voice: string;
  traits: CharacterTraits;
  /** False when the catalogue had no voice of the character's gender. */
  fits: boolean;
}

/** The best voice of `catalogue` for the card (the first entry on ties). */
export function suggestVoice(
  card: Pick<CharacterCard, 'name' | 'description' | 'personality' | 'firstMessage' | 'tags'>,
  catalogue: readonly VoiceCatalogueEntry[] = DEFAULT_VOICE_CATALOGUE,
): VoiceSuggestion {
  const traits = characterTraits(card);
  if (!catalogue.length) throw new Error('the voice catalogue is empty');
  let best = catalogue[0]!;
  let bestScore = Number.NEGATIVE_INFINITY;
  for (const v of catalogue) {
    let score = 0;
    if (traits.gender && v.gender)
      score += v.gender === traits.gender ? 100 : v.gender === 'neutral' ? 40 : -1000;
    // An undecided character: a neutral voice when there is one.
    if (!traits.gender && v.gender === 'neutral') score += 3;
    if (traits.age && v.age)
      score += v.age === traits.age ? 10 : Math.abs(ageRank(v.age) - ageRank(traits.age)) === 1 ? 4 : 0;
    if (!v.languages || v.languages.includes(traits.language)) score += 5;
    if (v.languages?.[0] === traits.language) score += 1;
    if (score > bestScore) {
      best = v;
      bestScore = score;
    }
  }
  const fits = !traits.gender || best.gender === traits.gender || best.gender === 'neutral';
  return { voice: best.id, traits, fits };
}

function ageRank(a: VoiceAge): number {
  return ['child', 'young', 'adult', 'old'].indexOf(a);
}
