// Speaker labels: the `[Ann]` text item that opens each turn tells the model who is talking, and
// the same name attributes transcripts. A display name is anyone's to choose, so it is normalised
// before it reaches the model: a label must be readable, unambiguous and impossible to forge.

/** Longest label, in user-perceived characters (grapheme clusters) and in UTF-16 units. */
const MAX_GRAPHEMES = 32;
const MAX_UNITS = 64;
/** A grapheme cluster longer than this (stacked combining marks) keeps only its base character. */
const MAX_CLUSTER_UNITS = 16;
export const FALLBACK_SPEAKER_NAME = 'someone';

/** Words a label must not be, whatever the case: they read as the conversation's own roles. */
const ROLE_WORDS = ['system', 'assistant', 'user', 'developer', 'tool', 'narrator', 'director'];

/**
 * Characters that render as nothing or reorder text: controls, format characters (bidi overrides
 * and isolates, zero-width space/joiners, soft hyphen, BOM, tags), default-ignorables (Hangul
 * fillers, variation selectors), private-use and unassigned code points, the replacement
 * character a lone surrogate becomes, and the blank Braille pattern.
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}\p{Co}\p{Cn}\u{FFFD}\u{2800}]/gu;
/** Brackets of every script that could close our `[label]` early or imitate it, and the `(n)` suffix's parentheses. */
const BRACKETS = /[[\]［］【】〔〕〖〗〘〙〚〛⟦⟧⁅⁆⦅⦆｟｠﹝﹞()（）﹙﹚⸨⸩]/gu;
/** Whitespace of every kind, including line and paragraph separators and NEL. */
const SPACES = /[\p{White_Space}\u{2028}\u{2029}]+/gu;
const PICTOGRAPH = /\p{Extended_Pictographic}|\p{Emoji_Modifier}|\u{FE0F}/u;
const EMOJI = /\p{Emoji}/u;

const graphemes = new Intl.Segmenter('und', { granularity: 'grapheme' });

/** Keeps the joiner and presentation selector only inside emoji sequences (👩‍💻, ❤️), drops them elsewhere. */
function stripInvisible(text: string): string {
  return text.replace(INVISIBLE, (ch, at: number) => {
    const before = text.slice(Math.max(0, at - 2), at);
    const prev = [...before].at(-1) ?? '';
    const next = [...text.slice(at + ch.length, at + ch.length + 2)][0] ?? '';
    if (ch === '\u200D' && PICTOGRAPH.test(prev) && PICTOGRAPH.test(next)) return ch;
    if (ch === '\uFE0F' && EMOJI.test(prev)) return ch;
    return '';
  });
}

/** Cuts at a grapheme boundary so no emoji, accent or surrogate pair is split. */
function cutGraphemes(text: string): string {
  let out = '';
  let count = 0;
  for (const { segment } of graphemes.segment(text)) {
    const cluster =
      segment.length > MAX_CLUSTER_UNITS ? String.fromCodePoint(segment.codePointAt(0)!) : segment;
    if (count === MAX_GRAPHEMES || out.length + cluster.length > MAX_UNITS) break;
    out += cluster;
    count++;
  }
  return out;
}

/**
 * A display name made safe for a label: well-formed, NFC, one space for any run of whitespace or
 * line break, no invisible or bidi characters, no brackets, at most 32 graphemes. May be empty.
 */
export function normaliseSpeakerName(raw: string): string {
  const wellFormed = raw.toWellFormed().normalize('NFC').replace(SPACES, ' ');
  const visible = stripInvisible(wellFormed).replace(BRACKETS, '').replace(SPACES, ' ').trim();
  return cutGraphemes(visible).trim();
}

/** Names that look the same compare equal: compatibility forms (ｆｕｌｌｗｉｄｔｈ), case and spacing ignored. */
export function sameNameKey(name: string): string {
  return name.normalize('NFKC').toLowerCase().replace(SPACES, '');
}

/**
 * Assigns each speaker in a room a label no one else holds: two "Ann"s become "Ann" and "Ann (2)";
 * a speaker named like a character or a role word gets a number too; an empty name becomes
 * "someone". A speaker keeps their label until their display name changes.
 */
export class SpeakerLabels {
  readonly #characterNames: () => readonly string[];
  readonly #bySpeaker = new Map<string, { displayName: string; label: string }>();
  /** Label key → speaker id. */
  readonly #taken = new Map<string, string>();

  /** `characterNames`: the cast's current names (a persona can change), which no speaker may appear as. */
  constructor(characterNames: () => readonly string[] = () => []) {
    this.#characterNames = characterNames;
  }

  /** The label (without brackets) for `speakerId`, assigning one on first use or after a rename. */
  labelFor(speakerId: string, displayName: string): string {
    const reserved = new Set(
      [...ROLE_WORDS, ...this.#characterNames().map(normaliseSpeakerName)].filter(Boolean).map(sameNameKey),
    );
    const known = this.#bySpeaker.get(speakerId);
    if (known?.displayName === displayName && !reserved.has(sameNameKey(known.label))) return known.label;
    if (known) this.#taken.delete(sameNameKey(known.label));
    const base = normaliseSpeakerName(displayName) || FALLBACK_SPEAKER_NAME;
    let label = base;
    for (let n = 2; reserved.has(sameNameKey(label)) || this.#taken.has(sameNameKey(label)); n++)
      label = `${base} (${n})`;
    this.#taken.set(sameNameKey(label), speakerId);
    this.#bySpeaker.set(speakerId, { displayName, label });
    return label;
  }

  /** The label already assigned to `speakerId`, if any. */
  assigned(speakerId: string): string | undefined {
    return this.#bySpeaker.get(speakerId)?.label;
  }
}
