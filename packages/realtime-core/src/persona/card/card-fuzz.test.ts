// Seeded fuzz over the fixtures: every field (and every lorebook entry field) replaced by values of the
// wrong type. Reading must either succeed with a valid card or refuse with a PersonaError, and whatever
// it accepts must render and select lore without throwing.
import { describe, expect, it } from 'vitest';
import { cardToPersona } from '../character-card.ts';
import { PersonaError } from '../errors.ts';
import { readCharacterCard } from './card-import.ts';
import { characterCardSchema } from './card-schema.ts';
import { LoreEngine } from './lorebook.ts';
import { chooseGreeting, renderInstructions, renderPostHistoryInstructions } from './render.ts';
import { cardBytes, type FixtureName, fixtureJson } from './test-fixtures.ts';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const WEIRD: unknown[] = [
  null,
  0,
  -1,
  1e308,
  Number.NaN,
  true,
  '',
  '   ',
  'x'.repeat(20_000),
  '{{char}}{{user}}{{random:a,b}}<<<>>>\n# heading',
  [],
  [1, 'a', null, {}],
  [[['deep']]],
  {},
  { nested: { deeper: [1, 2] } },
  '/(a+)+$/',
  '@@depth 0\n@@activate\ncontent',
];

function mutate(value: unknown, r: () => number, depth = 0): unknown {
  if (depth > 3 || r() < 0.15) return WEIRD[Math.floor(r() * WEIRD.length)];
  if (Array.isArray(value)) return value.map((v) => mutate(v, r, depth + 1));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value))
      if (r() > 0.05) out[k] = r() < 0.3 ? mutate(v, r, depth + 1) : v;
    return out;
  }
  return value;
}

describe('card fuzz', () => {
  const fixtures: FixtureName[] = ['v1-gardener', 'v2-ferryman', 'v2-zh-swordswoman', 'v3-navigator'];
  it('reads or refuses every mutated card, and renders what it reads', () => {
    const r = rng(20_240_601);
    let read = 0;
    let refused = 0;
    for (let i = 0; i < 400; i++) {
      const source = fixtureJson(fixtures[i % fixtures.length]!);
      const mutated = mutate(source, r);
      let result: ReturnType<typeof readCharacterCard>;
      try {
        result = readCharacterCard(cardBytes(mutated), `fuzz-${i}.json`);
      } catch (err) {
        expect(err, `case ${i}`).toBeInstanceOf(PersonaError);
        refused++;
        continue;
      }
      read++;
      expect(characterCardSchema.safeParse(result.card).success).toBe(true);
      const persona = cardToPersona(result.card, `fuzz-${i}.json`);
      const lore = result.card.lorebook
        ? new LoreEngine(result.card.lorebook).select(
            [
              {
                speaker: 'Ana',
                text: 'lantern ghosts storm 霜月 师父 compass map sail wind aaaaaaaaaaaaaaaaaaaaaa!',
              },
            ],
            { char: persona.name, user: 'Ana', random: r },
          )
        : undefined;
      const text = renderInstructions(persona, { speaker: 'Ana', ...(lore ? { lore } : {}) });
      expect(text.split('<<<CHARACTER CARD TEXT>>>')).toHaveLength(2);
      renderPostHistoryInstructions(persona, { speaker: 'Ana' });
      chooseGreeting(persona, { random: r, ensemble: true });
    }
    // Both outcomes occur: the fuzz reaches the refusals and the tolerant paths alike.
    expect(read).toBeGreaterThan(100);
    expect(refused).toBeGreaterThan(10);
  });
});
