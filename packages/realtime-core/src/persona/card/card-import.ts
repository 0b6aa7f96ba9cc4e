// Reads a SillyTavern character card (V1, V2 or V3; JSON, or PNG with a `ccv3`/`chara` text chunk) into
// Troupe's CharacterCard, keeping its structure. Required: something that is a card and a name. Optional
// fields of the wrong type degrade to their defaults with a warning, as SillyTavern would load them.
// V1/V2: https://github.com/malfoyslastname/character-card-spec-v2  V3: https://github.com/kwaroran/character-card-spec-v3
import { PersonaError } from '../errors.ts';
import { isPng, readPngText } from '../png-text.ts';
import { CARD_LIMITS, type CharacterCard, characterCardSchema } from './card-schema.ts';
import { splitExampleDialogues } from './examples.ts';
import { FieldReader, isObject, type Json, Warnings } from './fields.ts';
import { readLorebook } from './lorebook-import.ts';
import { cleanText, oneLine } from './text.ts';

export const MAX_CARD_BYTES = 2 * 1024 * 1024;
const VOICE_ID = /^[A-Za-z0-9_.-]{1,64}$/;
const NOT_A_CARD = 'is not a Character Card V2/V3 or a V1 card';
const UNNAMED = 'Imported character';
const EXPORT_AGAIN = 'export the card again as JSON or PNG from SillyTavern';

export interface CardReadResult {
  card: CharacterCard;
  /** What was ignored or cut, one sentence each (for the admin who imported the card, and the logs). */
  warnings: string[];
}

function decodeBase64Json(encoded: string): unknown {
  const binary = atob(encoded.replace(/\s+/g, ''));
  return JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0))));
}

/** The card JSON inside a PNG: the V3 `ccv3` chunk when it is readable, else the V2/V1 `chara` chunk. */
function pngCardJson(bytes: Uint8Array, fileName: string, warnings: Warnings): unknown {
  let chunks: Map<string, string>;
  try {
    chunks = readPngText(bytes);
  } catch (err) {
    throw new PersonaError(
      fileName,
      undefined,
      `the PNG is damaged (${(err as Error).message})`,
      'export the card again from SillyTavern',
    );
  }
  const byKeyword = new Map([...chunks].map(([k, v]) => [k.toLowerCase(), v]));
  const ccv3 = byKeyword.get('ccv3');
  const chara = byKeyword.get('chara');
  if (ccv3 === undefined && chara === undefined)
    throw new PersonaError(
      fileName,
      undefined,
      'this PNG carries no character card',
      'export a character card PNG (V2 or V3) from SillyTavern',
    );
  // The V3 spec: when both chunks are present, the `ccv3` one SHOULD be used.
  if (ccv3 !== undefined) {
    try {
      return decodeBase64Json(ccv3);
    } catch {
      if (chara === undefined) throw damaged(fileName);
      warnings.add("the PNG's V3 card (ccv3) is damaged; its V2 card (chara) was used instead");
    }
  }
  try {
    return decodeBase64Json(chara!);
  } catch {
    throw damaged(fileName);
  }
}

function damaged(fileName: string): PersonaError {
  return new PersonaError(
    fileName,
    undefined,
    'the card data inside the PNG is damaged (it is not valid base64 or JSON)',
    'export the card again from SillyTavern',
  );
}

function cardJson(bytes: Uint8Array, fileName: string, warnings: Warnings): unknown {
  if (isPng(bytes)) return pngCardJson(bytes, fileName, warnings);
  try {
    return JSON.parse(new TextDecoder().decode(bytes).replace(/^\uFEFF/, ''));
  } catch {
    throw new PersonaError(fileName, undefined, 'the card is not valid JSON', EXPORT_AGAIN);
  }
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  return `a ${typeof value}`;
}

/** Finds the card's version and the object holding its fields. */
function locate(
  json: unknown,
  fileName: string,
  warnings: Warnings,
): { spec: CharacterCard['spec']; data: Json; path: string } {
  if (!isObject(json))
    throw new PersonaError(
      fileName,
      undefined,
      `${NOT_A_CARD} (expected object, received ${describe(json)})`,
      EXPORT_AGAIN,
    );
  const spec = typeof json.spec === 'string' ? json.spec : undefined;
  if (isObject(json.data)) {
    if (spec === 'chara_card_v3') return { spec: 'v3', data: json.data, path: 'data.' };
    if (spec === 'chara_card_v2') return { spec: 'v2', data: json.data, path: 'data.' };
    // The V3 spec: cards of a newer version SHOULD still import, read as the newest version known.
    const version = Number.parseFloat(String(json.spec_version ?? ''));
    const asV3 = (spec !== undefined && /^chara_card_v[3-9]/.test(spec)) || version >= 3;
    warnings.add(
      `the card's spec is ${spec ? `"${spec.slice(0, 40)}"` : 'missing'}; it was read as ${asV3 ? 'V3' : 'V2'}`,
    );
    return { spec: asV3 ? 'v3' : 'v2', data: json.data, path: 'data.' };
  }
  const flat = 'name' in json || 'char_name' in json;
  if (flat && json.data === undefined) {
    // A V2/V3 spec but the fields left at the top level: read what is there, as V1 fields.
    if (spec !== undefined)
      warnings.add(`the card says ${spec.slice(0, 40)} but has no "data"; it was read as a V1 card`);
    return { spec: 'v1', data: json, path: '' };
  }
  if (spec !== undefined || json.data !== undefined)
    throw new PersonaError(
      fileName,
      'data',
      `${NOT_A_CARD} (a V2/V3 card keeps the character in "data", an object)`,
      EXPORT_AGAIN,
    );
  throw new PersonaError(
    fileName,
    undefined,
    `${NOT_A_CARD} (it has neither "data" nor "name")`,
    EXPORT_AGAIN,
  );
}

/** V1 fields, with the names older TavernAI/Pygmalion exports used. */
function v1Text(r: FieldReader, key: string, alias: string, max: number): string {
  return r.raw[key] === undefined && r.raw[alias] !== undefined ? r.text(alias, max) : r.text(key, max);
}

function readName(r: FieldReader, fileName: string): string {
  const key = r.raw.name === undefined && r.raw.char_name !== undefined ? 'char_name' : 'name';
  const raw = r.raw[key];
  if (typeof raw !== 'string')
    throw new PersonaError(
      fileName,
      r.field(key),
      raw === undefined ? 'is missing' : `should be the character's name as text (received ${describe(raw)})`,
      'give the card a name and export it again',
    );
  if (!cleanText(raw, CARD_LIMITS.name))
    throw new PersonaError(fileName, r.field(key), 'is empty', 'give the card a name and export it again');
  const name = oneLine(raw, CARD_LIMITS.name);
  if (name) return name;
  // Only markup ("###", "<<<>>>"): nothing that could be said aloud is left.
  r.warn(`${r.field(key)} has no readable characters; the character is called "${UNNAMED}"`);
  return UNNAMED;
}

function readTalkativeness(ext: FieldReader | undefined): number {
  const t = ext?.number('talkativeness');
  if (t === undefined) return 0.5;
  if (t < 0 || t > 1) ext!.warn(`${ext!.field('talkativeness')} should be between 0 and 1; it was clamped`);
  return Math.min(1, Math.max(0, t));
}

function readVoice(ext: FieldReader | undefined): string | undefined {
  const troupe = ext?.raw.troupe;
  for (const v of [isObject(troupe) ? troupe.voice : undefined, ext?.raw.voice])
    if (typeof v === 'string' && VOICE_ID.test(v)) return v;
  return undefined;
}

function readAvatar(r: FieldReader): string | undefined {
  const assets = r.raw.assets;
  if (!Array.isArray(assets)) return undefined;
  // The V3 spec: the icon named "main" is the character's portrait. Only https links can be shown.
  const icon =
    assets.find((a) => isObject(a) && a.type === 'icon' && a.name === 'main') ??
    assets.find((a) => isObject(a) && a.type === 'icon');
  const uri = isObject(icon) && typeof icon.uri === 'string' ? icon.uri : '';
  return /^https:\/\/[^\s]{1,500}$/.test(uri) ? uri : undefined;
}

function readCreatorNotes(r: FieldReader): string {
  const multi = r.object('creator_notes_multilingual');
  const en = multi && typeof multi.en === 'string' ? multi.en : undefined;
  return cleanText(
    en ?? (typeof r.raw.creator_notes === 'string' ? r.raw.creator_notes : ''),
    CARD_LIMITS.creatorNotes,
  );
}

/** Reads a character card from a file's bytes. Throws PersonaError (file, field, fix) when it is not a card. */
export function readCharacterCard(bytes: Uint8Array, fileName: string): CardReadResult {
  if (bytes.length > MAX_CARD_BYTES)
    throw new PersonaError(
      fileName,
      undefined,
      `the card is ${bytes.length} bytes`,
      `cards must be under ${MAX_CARD_BYTES / 1024 / 1024} MB`,
    );
  const warnings = new Warnings();
  const { spec, data, path } = locate(cardJson(bytes, fileName, warnings), fileName, warnings);
  const r = new FieldReader(data, path, warnings);
  const name = readName(r, fileName);
  const ext = spec === 'v1' ? undefined : r.child('extensions');
  const depthPrompt = ext?.child('depth_prompt');
  const noteText = depthPrompt?.text('prompt', CARD_LIMITS.section) ?? '';
  const noteDepth = depthPrompt?.number('depth');
  const nickname = spec === 'v3' ? oneLine(r.text('nickname', CARD_LIMITS.name), CARD_LIMITS.name) : '';
  const lorebook =
    spec === 'v1' ? undefined : readLorebook(data.character_book, `${path}character_book`, warnings);
  const list = (key: string) => r.textList(key, CARD_LIMITS.greetings, CARD_LIMITS.greeting);
  const tags = r
    .textList('tags', CARD_LIMITS.tags, CARD_LIMITS.tag * 4, { splitCommas: true })
    .map((t) => oneLine(t, CARD_LIMITS.tag))
    .filter(Boolean);
  const voice = readVoice(ext);
  const creatorNotes = spec === 'v1' ? '' : readCreatorNotes(r);
  const creator = r.text('creator', 200);
  const characterVersion = r.text('character_version', 100);
  const avatarUrl = spec === 'v3' ? readAvatar(r) : undefined;
  // The V3 text says first_mes, alternate_greetings, personality, scenario, system_prompt and
  // post_history_instructions are "removed" and MUST NOT be used for V3 cards, while its own interface
  // lists them as fields "from CCV2" and every V3 application (SillyTavern, RisuAI) uses them: the interface
  // and the applications are followed here.
  const card: CharacterCard = {
    spec,
    name,
    ...(nickname && nickname !== name ? { nickname } : {}),
    description: v1Text(r, 'description', 'char_persona', CARD_LIMITS.description),
    personality: r.text('personality', CARD_LIMITS.section),
    scenario: v1Text(r, 'scenario', 'world_scenario', CARD_LIMITS.section),
    firstMessage: v1Text(r, 'first_mes', 'char_greeting', CARD_LIMITS.greeting),
    alternateGreetings: spec === 'v1' ? [] : list('alternate_greetings'),
    groupOnlyGreetings: spec === 'v3' ? list('group_only_greetings') : [],
    exampleDialogues: splitExampleDialogues(
      v1Text(r, 'mes_example', 'example_dialogue', CARD_LIMITS.examples * CARD_LIMITS.example * 2),
    ),
    systemPrompt: spec === 'v1' ? '' : r.text('system_prompt', CARD_LIMITS.section),
    postHistoryInstructions: spec === 'v1' ? '' : r.text('post_history_instructions', CARD_LIMITS.section),
    ...(noteText
      ? { characterNote: { text: noteText, depth: Math.max(0, Math.min(1000, Math.floor(noteDepth ?? 4))) } }
      : {}),
    tags,
    talkativeness: readTalkativeness(ext),
    ...(voice ? { voice } : {}),
    ...(avatarUrl ? { avatarUrl } : {}),
    ...(creatorNotes ? { creatorNotes } : {}),
    ...(creator ? { creator } : {}),
    ...(characterVersion ? { characterVersion } : {}),
    ...(lorebook ? { lorebook } : {}),
  };
  return { card: characterCardSchema.parse(card), warnings: warnings.list() };
}
