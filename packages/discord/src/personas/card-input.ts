// Checks on the raw bytes of an uploaded character card, before the importer sees them, and the
// wording of import failures. Pure: no I/O.

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * What is wrong with `bytes` as a card file, or undefined. The importer decodes JSON cards
 * leniently (bad bytes become U+FFFD and would end up in the persona's name), so invalid UTF-8 is
 * refused here with a fix instead.
 */
export function cardBytesProblem(bytes: Uint8Array): string | undefined {
  if (bytes.length === 0) return 'The file is empty. Attach the exported card itself (a .json or .png file).';
  if (PNG_SIGNATURE.every((b, i) => bytes[i] === b)) return undefined;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return 'The file is neither a PNG nor UTF-8 text (it contains bytes that are not valid UTF-8). Save the JSON card as UTF-8, or export it again from SillyTavern.';
  }
  return undefined;
}

/** The attachment's name as shown inside messages: harmless characters only, short. */
export function safeFileName(name: string): string {
  const cleaned = name.replace(/[^\w.-]+/g, '_').slice(0, 60);
  return cleaned || 'card';
}

/**
 * The reason an import failed, for the user. PersonaError messages already say what and how to
 * fix; anything else (e.g. the platform's base64 decoder choking on a damaged PNG text chunk)
 * is summarised instead of echoing an engine message.
 */
export function importFailureReason(err: unknown): string {
  const e = err as { name?: unknown; message?: unknown };
  const explained = ['PersonaError', 'CardParseTimeout', 'CardParseMemory'];
  if (explained.includes(String(e?.name)) && typeof e.message === 'string') return e.message.slice(0, 600);
  return 'the card data inside the file is damaged (it is not valid base64 or JSON)';
}
