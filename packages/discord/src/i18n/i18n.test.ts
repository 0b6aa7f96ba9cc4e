import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commandBodies } from '../commands/definitions.ts';
import { COMMAND_TEXTS, DISCORD_NAME } from './command-texts.ts';
import { langOf } from './locale.ts';
import { CATALOGS, fill, type MessageKey, placeholders, translator } from './translate.ts';

const en = CATALOGS.en;
const zh = CATALOGS['zh-CN'];
const keys = Object.keys(en) as MessageKey[];
/** Texts that are the same in both languages on purpose (markup only). */
const SAME_IN_BOTH = new Set<MessageKey>(['error.prefix', 'list.separator', 'voice.status.lastEndValue']);
const CJK = /[\u3400-\u9fff]/;

describe('every user-facing text exists in English and Simplified Chinese', () => {
  it('has the same keys in both catalogs, none empty', () => {
    expect(Object.keys(zh).sort()).toEqual([...keys].sort());
    for (const k of keys) {
      expect(en[k].trim(), `en ${k}`).not.toBe('');
      expect(zh[k].trim(), `zh-CN ${k}`).not.toBe('');
    }
  });

  it('uses the same {placeholders} in both languages', () => {
    for (const k of keys) expect(placeholders(zh[k]), k).toEqual(placeholders(en[k]));
  });

  it('is actually translated (Chinese text, not an English copy)', () => {
    for (const k of keys) {
      if (SAME_IN_BOTH.has(k)) continue;
      expect(CJK.test(zh[k]), `zh-CN ${k} has no Chinese: ${zh[k]}`).toBe(true);
    }
  });

  it('fills placeholders and leaves an unfilled one visible', () => {
    const t = translator('en-US');
    expect(t.t('join.alreadyHere', { persona: 'Mara', channel: '1' })).toBe(
      'Mara is already in <#1>. Use `/persona set` to switch character.',
    );
    expect(fill('{a} and {b}', { a: 1 })).toBe('1 and {b}');
    expect(translator('zh-CN').duration(3_720_000)).toBe('1 小时 2 分钟');
    expect(translator('en').duration(59_000)).toBe('1 min');
  });

  it('maps Discord locales to a language', () => {
    expect(['zh-CN', 'zh-TW', 'zh'].map(langOf)).toEqual(['zh-CN', 'zh-CN', 'zh-CN']);
    expect(['en-US', 'en-GB', 'ja', 'fr', undefined, null, ''].map(langOf)).toEqual(Array(7).fill('en'));
  });

  it('uses every key somewhere in the code (no dead or misspelt keys)', () => {
    const root = join(import.meta.dirname, '..');
    const files = readdirSync(root, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.startsWith('i18n/'))
      .map((f) => readFileSync(join(root, f), 'utf8'))
      .join('\n');
    // Built at run time from a fixed list (`perm.${name}`, `privacy.${section}.title|body`,
    // `model.${kind}` for the voice layer's model failures) or used by the translator itself.
    const dynamic = /^(perm|privacy|duration|elapsed|model)\./;
    const unused = keys.filter((k) => !dynamic.test(k) && !files.includes(`'${k}'`));
    expect(unused).toEqual([]);
  });
});

interface Opt {
  name: string;
  description: string;
  name_localizations?: Record<string, string> | null;
  description_localizations?: Record<string, string> | null;
  options?: Opt[];
}

describe('command names and descriptions are localized for zh-CN within Discord’s rules', () => {
  const all: { path: string; o: Opt }[] = [];
  const walk = (opts: Opt[] | undefined, prefix: string) => {
    for (const o of opts ?? []) {
      all.push({ path: `${prefix}.${o.name}`, o });
      walk(o.options, `${prefix}.${o.name}`);
    }
  };
  for (const c of commandBodies() as unknown as Opt[]) {
    all.push({ path: c.name, o: c });
    walk(c.options, c.name);
  }

  it('localizes every command, subcommand and option', () => {
    expect(all.length).toBeGreaterThan(30);
    for (const { path, o } of all) {
      const zhName = o.name_localizations?.['zh-CN'];
      const zhDesc = o.description_localizations?.['zh-CN'];
      expect(zhName, `${path} has no zh-CN name`).toBeTruthy();
      expect(zhDesc, `${path} has no zh-CN description`).toBeTruthy();
      for (const name of [o.name, zhName as string]) {
        expect(DISCORD_NAME.test(name), `${path}: "${name}" breaks Discord's name rule`).toBe(true);
        expect(name, `${path}: names must be lower case`).toBe(name.toLowerCase());
      }
      for (const d of [o.description, zhDesc as string]) {
        expect(d.length, `${path}: description length`).toBeGreaterThan(0);
        expect(d.length, `${path}: description length`).toBeLessThanOrEqual(100);
      }
    }
    expect(all.map((x) => x.path).sort()).toEqual(Object.keys(COMMAND_TEXTS).sort());
  });

  it('keeps sibling names unique in each language', () => {
    const siblings = new Map<string, string[]>();
    for (const { path, o } of all) {
      const parent = path.split('.').slice(0, -1).join('.');
      siblings.set(`en:${parent}`, [...(siblings.get(`en:${parent}`) ?? []), o.name]);
      const zhName = o.name_localizations?.['zh-CN'] ?? '';
      siblings.set(`zh:${parent}`, [...(siblings.get(`zh:${parent}`) ?? []), zhName]);
    }
    for (const [scope, names] of siblings) expect(new Set(names).size, scope).toBe(names.length);
  });
});
