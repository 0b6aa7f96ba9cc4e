// Looks texts up by key in the reader's language and fills their {placeholders}.
import { EN_DOCS } from './docs-en.ts';
import { ZH_DOCS } from './docs-zh-cn.ts';
import { EN, type MessageKey as ReplyKey } from './en.ts';
import { type Lang, langOf } from './locale.ts';
import { EN_SCENES } from './scenes-en.ts';
import { ZH_SCENES } from './scenes-zh-cn.ts';
import { ZH_CN } from './zh-cn.ts';

/** Every user-facing text key. */
export type MessageKey = ReplyKey | keyof typeof EN_DOCS | keyof typeof EN_SCENES;

/**
 * Values for a text's {placeholders}; user-typed values must already be quoted (see echo.ts). A
 * `{ key }` value is itself translated (e.g. the action an admin-only refusal names), a
 * `{ duration }` (ms) is written out in the reader's language.
 */
export type Param = string | number | { key: MessageKey } | { duration: number };
export type Params = Readonly<Record<string, Param>>;

/** A text to show, decided before the reader's language is known. */
export type Text = { key: MessageKey; params?: Params | undefined } | { raw: string };

export const CATALOGS: Readonly<Record<Lang, Readonly<Record<MessageKey, string>>>> = {
  en: { ...EN, ...EN_DOCS, ...EN_SCENES },
  'zh-CN': { ...ZH_CN, ...ZH_DOCS, ...ZH_SCENES },
};

/** The {names} a template uses, sorted and unique. */
export function placeholders(template: string): string[] {
  return [...new Set([...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string))].sort();
}

/** Fills `{name}` from `params`; a missing value is left visible rather than silently dropped. */
export function fill(
  template: string,
  params: Params = {},
  nested: (value: Exclude<Param, string | number>) => string = (v) => JSON.stringify(v),
): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    if (!Object.hasOwn(params, name)) return whole;
    const value = params[name] as Param;
    return typeof value === 'object' ? nested(value) : String(value);
  });
}

/** Texts in one language. */
export interface Translator {
  readonly lang: Lang;
  t(key: MessageKey, params?: Params): string;
  /** Renders a {@link Text}. */
  text(text: Text): string;
  /** "3 h 12 min" in the reader's language. */
  duration(ms: number): string;
  /** How long something has run: "5 s", "1 min 5 s" under 10 minutes, then as {@link duration}. */
  elapsed(ms: number): string;
}

const cache = new Map<Lang, Translator>();

/** The translator for a Discord locale (`interaction.locale`, `guild.preferredLocale`) or a language. */
export function translator(locale: string | null | undefined): Translator {
  const lang = langOf(locale);
  const cached = cache.get(lang);
  if (cached) return cached;
  const catalog = CATALOGS[lang];
  const duration = (ms: number): string => {
    const totalMin = Math.max(0, Math.ceil(ms / 60_000));
    const h = Math.floor(totalMin / 60);
    const m = totalMin % 60;
    return h > 0 ? t('duration.hm', { h, m }) : t('duration.m', { m });
  };
  const t = (key: MessageKey, params?: Params): string =>
    fill(catalog[key], params, (v) => ('key' in v ? catalog[v.key] : duration(v.duration)));
  const made: Translator = {
    lang,
    t,
    text: (x) => ('raw' in x ? x.raw : t(x.key, x.params)),
    duration,
    elapsed(ms) {
      const totalS = Math.max(0, Math.floor(ms / 1000));
      if (totalS < 60) return t('elapsed.s', { s: totalS });
      const m = Math.floor(totalS / 60);
      if (m < 10) return totalS % 60 ? t('elapsed.ms', { m, s: totalS % 60 }) : t('duration.m', { m });
      return duration(Math.floor(totalS / 60) * 60_000);
    },
  };
  cache.set(lang, made);
  return made;
}

/** Shorthand for a keyed {@link Text}. */
export function text(key: MessageKey, params?: Params): Text {
  return params ? { key, params } : { key };
}
