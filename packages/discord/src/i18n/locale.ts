// Which of Troupe's two languages a Discord locale reads best in. Discord sends the invoking user's
// client locale on every interaction (`locale`) and the server's Community language
// (`guild_locale`, Guild#preferredLocale) for messages everyone sees
// (https://discord.com/developers/docs/reference#locales).

/** The languages Troupe's texts exist in. */
export type Lang = 'en' | 'zh-CN';

export const LANGS: readonly Lang[] = ['en', 'zh-CN'];

/**
 * Maps a Discord locale to a Troupe language. Every Chinese locale (zh-CN, zh-TW) gets Simplified
 * Chinese: a Traditional-Chinese reader reads it far more easily than English. Everything else,
 * unknown or missing values included, gets English.
 */
export function langOf(locale: string | null | undefined): Lang {
  return typeof locale === 'string' && /^zh(-|$)/i.test(locale) ? 'zh-CN' : 'en';
}
