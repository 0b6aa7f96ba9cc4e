/**
 * Quotes user-typed text (an option value, a subcommand name) back in a reply as inline code: one
 * line, no backticks that could break out of the code span, control and bidi characters removed,
 * at most `max` characters. Keeps replies short (Discord refuses over 2000 characters, which would
 * leave the interaction "thinking" forever) and free of markdown the typist controls.
 */
export function echo(value: unknown, max = 60): string {
  const text = String(value ?? '')
    // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
    .replace(/[\u0000-\u001f\u007f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g, ' ')
    .replace(/`/g, 'ˋ')
    .replace(/\s+/g, ' ')
    .trim();
  const chars = Array.from(text);
  const shown = chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : text;
  return `\`${shown || ' '}\``;
}
