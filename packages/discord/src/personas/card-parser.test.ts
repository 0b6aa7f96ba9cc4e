import { buildPngWithText } from '@troupe/realtime-core';
import { describe, expect, it } from 'vitest';
import { createCardParser } from './card-parser.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const card = (data: object) => JSON.stringify({ spec: 'chara_card_v2', data });
const heavy = buildPngWithText(
  { chara: Buffer.from(card({ name: 'Heavy', description: 'h'.repeat(2_900_000) })).toString('base64') },
  { compressed: true },
);

describe('createCardParser (worker threads)', () => {
  it('parses a card off the main thread and passes importer errors through by name', async () => {
    const parse = createCardParser();
    await expect(parse(enc(card({ name: 'Sera', first_mes: 'Hi.' })), 's.json')).resolves.toMatchObject({
      persona: { id: 'sera', greeting: 'Hi.' },
      warnings: [],
    });
    // The admin's voice wins; what the importer ignored comes back for the admin.
    const odd = card({ name: 'Odd', tags: 'not-a-list', extensions: { depth_prompt: 'x' } });
    const read = await parse(enc(odd), 'o.json', { voice: 'wenrounansheng' });
    expect(read.persona.voice).toBe('wenrounansheng');
    expect(read.warnings.length).toBeGreaterThan(0);
    await expect(parse(enc('nope'), 'n.json')).rejects.toMatchObject({
      name: 'PersonaError',
      message: expect.stringMatching(/not valid JSON/),
    });
  });

  it('stops a parse that needs too much memory or time', async () => {
    await expect(createCardParser({ maxHeapMb: 24 })(heavy, 'h.png')).rejects.toMatchObject({
      name: 'CardParseMemory',
    });
    const parse = createCardParser({ timeoutMs: 300, concurrency: 1 });
    await expect(parse(heavy, 'h.png')).rejects.toMatchObject({ name: 'CardParseTimeout' });
    // The stuck worker was replaced: the next card is read normally.
    await expect(parse(enc(card({ name: 'After' })), 'a.json')).resolves.toMatchObject({
      persona: { name: 'After' },
    });
  });

  it('answers every queued parse when only one may run at a time', async () => {
    const parse = createCardParser({ concurrency: 1 });
    const names = await Promise.all(
      ['A1', 'B2', 'C3'].map(async (n) => (await parse(enc(card({ name: n })), `${n}.json`)).persona.name),
    );
    expect(names).toEqual(['A1', 'B2', 'C3']);
  });
});
