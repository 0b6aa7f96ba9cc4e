// Text hygiene for untrusted card text: control characters out, sizes capped without splitting a
// surrogate pair, and the few shapes that could pose as our own structure (fence markers, markdown
// headings) neutralised. Pure.

/** Control characters and bidirectional overrides: they hide text from the admin who reads the card. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u202A-\u202E\u2066-\u2069]/g;

/** CJK ideographs, kana and hangul: scripts written without spaces between words. */
export const CJK_CHAR = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]/;
const CJK_GLOBAL = new RegExp(CJK_CHAR.source, 'g');

export function stripControl(text: string): string {
  return text.replace(CONTROL, '').replace(/\r\n?/g, '\n');
}

/** Cuts `text` to at most `max` UTF-16 units (the measure zod and Discord use) without splitting a pair. */
export function clipUnits(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}

/** Cleans and caps one text field. */
export function cleanText(text: string, max: number): string {
  return clipUnits(stripControl(text).trim(), max).trim();
}

/**
 * Removes what could forge a fence marker or start a markdown heading of its own. Applied to every piece
 * of card text (after macros are resolved, since a speaker's display name is untrusted too) right before
 * it is placed inside the fence.
 */
export function neutralise(text: string): string {
  return stripControl(text)
    .replace(/<{3,}|>{3,}/g, '')
    .replace(/^[ \t]*#+[ \t]*/gm, '')
    .trim();
}

/** One line, neutralised: with no line break left nothing in it can start a rule or heading of its own. */
export function oneLine(text: string, max: number): string {
  return clipUnits(neutralise(text).replace(/\s+/g, ' ').trim(), max);
}

/** Share of CJK characters among the letters of `text` (0 when there are none). */
export function cjkShare(text: string): number {
  const letters = text.match(/\p{L}/gu)?.length ?? 0;
  if (letters === 0) return 0;
  return (text.match(CJK_GLOBAL)?.length ?? 0) / letters;
}
