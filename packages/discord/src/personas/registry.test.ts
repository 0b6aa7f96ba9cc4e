import { openSqliteStore, type Store } from '@troupe/store';
import { afterEach, describe, expect, it } from 'vitest';
import { P } from '../testing/fake-voice.ts';
import { PersonaRegistry, slugify } from './registry.ts';

const stores: Store[] = [];
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
});

async function memoryStore(): Promise<Store> {
  const store = await openSqliteStore(':memory:');
  stores.push(store);
  return store;
}

async function setup() {
  const store = await memoryStore();
  const reg = new PersonaRegistry([P.captain, P.teller, P.buddy], store);
  return { store, reg };
}

describe('PersonaRegistry', () => {
  it('loads the shipped built-ins: at least three, English and Chinese, distinct voices', async () => {
    const reg = await PersonaRegistry.load(await memoryStore());
    const list = (await reg.list('g')).map((e) => e.persona);
    expect(list.length).toBeGreaterThanOrEqual(3);
    expect(new Set(list.map((p) => p.language))).toEqual(expect.objectContaining(new Set(['en', 'zh'])));
    expect(new Set(list.map((p) => p.voice)).size).toBeGreaterThanOrEqual(3);
    for (const p of list) expect(p.greeting, p.id).toBeTruthy();
  });

  it('shows imported personas only in their guild', async () => {
    const { store, reg } = await setup();
    await store.putGuildPersona('g1', { ...P.buddy, id: 'elf', name: 'Elf' });
    expect((await reg.get('g1', 'elf'))?.source).toBe('guild');
    expect(await reg.get('g2', 'elf')).toBeUndefined();
    expect(await reg.list('g2')).toHaveLength(3);
  });

  it('defaults to the configured persona, else the first built-in', async () => {
    const { store, reg } = await setup();
    expect((await reg.defaultFor('g')).id).toBe('captain');
    await store.updateSettings('g', { defaultPersona: 'teller' });
    expect((await reg.defaultFor('g')).id).toBe('teller');
    await store.updateSettings('g', { defaultPersona: 'deleted' });
    expect((await reg.defaultFor('g')).id).toBe('captain');
  });

  it('searches by id or name prefix, caps at 25 and tolerates garbage', async () => {
    const { store, reg } = await setup();
    for (let n = 0; n < 40; n++)
      await store.putGuildPersona('g', { ...P.buddy, id: `bulk-${n}`, name: `Bulk ${n}` });
    expect((await reg.search('g', 'cap')).map((c) => c.value)).toEqual(['captain']);
    expect((await reg.search('g', '说')).map((c) => c.value)).toEqual(['teller']);
    expect(await reg.search('g', '')).toHaveLength(25);
    expect(await reg.search('g', 'zzz-nothing')).toEqual([]);
    for (const junk of [undefined, 42, null, '\u0000'.repeat(500), '%_*'])
      await expect(reg.search('g', junk)).resolves.toBeInstanceOf(Array);
    for (const c of await reg.search('g', 'b')) expect(c.name.length).toBeLessThanOrEqual(100);
  });

  it('looks up any id a user types without asking the store something it refuses', async () => {
    const { reg } = await setup();
    for (const junk of ['', ' ', 'x'.repeat(500), 'a\u0000b'])
      expect(await reg.get('g', junk)).toBeUndefined();
  });

  it('never lets an import shadow a built-in id', async () => {
    const { reg } = await setup();
    expect(reg.uniqueId('Captain')).toBe('captain-2');
    expect(reg.uniqueId('Sir Lancelot!')).toBe('sir-lancelot');
    expect(slugify('说书人')).toBe('');
    expect(reg.uniqueId('说书人')).toBe('persona');
  });
});
