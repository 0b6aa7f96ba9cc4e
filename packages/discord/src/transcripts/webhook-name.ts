// A display name Discord accepts on a webhook message. Webhook names follow Discord's nickname
// rules with an 80-character limit and must not contain "clyde" or "discord" in any case
// (https://discord.com/developers/docs/resources/webhook#create-webhook,
// https://discord.com/developers/docs/resources/user#usernames-and-nicknames): a message with any
// other name is refused (400, 50035) and its line would be lost. Pure.

/** Webhook names are 1–80 characters (UTF-16 code units, as Discord counts them). */
export const MAX_WEBHOOK_NAME = 80;

// Control characters, zero-width and other non-rendering characters, bidi controls, line and
// paragraph separators: Discord strips or refuses them, and they make look-alike names.
const INVISIBLE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
  /[\u0000-\u001F\u007F-\u009F\u00AD\u061C\u115F\u1160\u180E\u200B-\u200F\u2028-\u202E\u2060-\u206F\u3164\uFEFF\uFFA0]/g;

const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });

/**
 * The banned words, defused with one Cyrillic look-alike letter (е for e, о for o): the name
 * still reads as itself, as bots that post user names through webhooks commonly do.
 */
function defuse(name: string): string {
  return name
    .replace(/clyde/gi, (w) => w.replace(/e/g, '\u0435').replace(/E/g, '\u0415'))
    .replace(/discord/gi, (w) => w.replace(/o/g, '\u043E').replace(/O/g, '\u041E'));
}

/** Cuts at a grapheme boundary so no character (emoji, accent, surrogate pair) is split. */
function cut(name: string, max: number): string {
  if (name.length <= max) return name;
  let out = '';
  for (const { segment } of segmenter.segment(name)) {
    if (out.length + segment.length > max) break;
    out += segment;
  }
  return out.trimEnd();
}

/** `name` as a valid webhook username; `fallback` when nothing visible is left. */
export function webhookUsername(name: string, fallback = 'Someone'): string {
  const cleaned = defuse(name.normalize('NFC').replace(INVISIBLE, ' ').replace(/\s+/g, ' ').trim());
  const out = cut(cleaned, MAX_WEBHOOK_NAME);
  return out.length > 0 ? out : fallback;
}
