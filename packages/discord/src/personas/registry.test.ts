import { describe, expect, it } from 'vitest';
import { Store } from '../store/store.ts';
import { P } from '../testing/fake-voice.ts';
import { PersonaRegistry, slugify } from './registry.ts';

function setup() {
  const store = new Store(':memory:');
  const reg = new PersonaRegistry([P.captain, P.teller, P.buddy], store);
  return { store, reg };
}

describe('PersonaRegistry', () => {
  it('loads the shipped built-ins: at least three, English and Chinese, distinct voices', async () => {
    const reg = await PersonaRegistry.load(new Store(':memory:'));
    const list = reg.list('g').map((e) => e.persona);
    expect(list.length).toBeGreaterThanOrEqual(3);
    expect(new Set(list.map((p) => p.language))).toEqual(expect.objectContaining(new Set(['en', 'zh'])));
    expect(new Set(list.map((p) => p.voice)).size).toBeGreaterThanOrEqual(3);
    for (const p of list) expect(p.greeting, p.id).toBeTruthy();
  });

  it('shows imported personas only in their guild', () => {
    const { store, reg } = setup();
    store.putGuildPersona('g1', { ...P.buddy, id: 'elf', name: 'Elf' });
    expect(reg.get('g1', 'elf')?.source).toBe('guild');
    expect(reg.get('g2', 'elf')).toBeUndefined();
    expect(reg.list('g2')).toHaveLength(3);
  });

  it('defaults to the configured persona, else the first built-in', () => {
    const { store, reg } = setup();
    expect(reg.defaultFor('g').id).toBe('captain');
    store.updateSettings('g', { defaultPersona: 'teller' });
    expect(reg.defaultFor('g').id).toBe('teller');
    store.updateSettings('g', { defaultPersona: 'deleted' });
    expect(reg.defaultFor('g').id).toBe('captain');
  });

  it('searches by id or name prefix, caps at 25 and tolerates garbage', () => {
    const { store, reg } = setup();
    for (let n = 0; n < 40; n++)
      store.putGuildPersona('g', { ...P.buddy, id: `bulk-${n}`, name: `Bulk ${n}` });
    expect(reg.search('g', 'cap').map((c) => c.value)).toEqual(['captain']);
    expect(reg.search('g', '说').map((c) => c.value)).toEqual(['teller']);
    expect(reg.search('g', '')).toHaveLength(25);
    expect(reg.search('g', 'zzz-nothing')).toEqual([]);
    for (const junk of [undefined, 42, null, '\u0000'.repeat(500), '%_*'])
      expect(() => reg.search('g', junk)).not.toThrow();
    for (const c of reg.search('g', 'b')) expect(c.name.length).toBeLessThanOrEqual(100);
  });

  it('never lets an import shadow a built-in id', () => {
    const { reg } = setup();
    expect(reg.uniqueId('Captain')).toBe('captain-2');
    expect(reg.uniqueId('Sir Lancelot!')).toBe('sir-lancelot');
    expect(slugify('说书人')).toBe('');
    expect(reg.uniqueId('说书人')).toBe('persona');
  });
});
