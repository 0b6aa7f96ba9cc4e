// The director alone: who answers, from the cast, the mode and the scored names.
import { describe, expect, it } from 'vitest';
import type { AddressHit } from './addressing.ts';
import { type DirectorContext, directPlayerTurn, directReaction, forcedNext } from './director.ts';

const member = (id: string, talkativeness = 0.5, live = true) => ({ id, talkativeness, live });

function ctx(over: Partial<DirectorContext> = {}): DirectorContext {
  return {
    members: [member('a'), member('b'), member('c')],
    mode: 'lead',
    leadId: undefined,
    lastSpeakerId: undefined,
    random: () => 0.5,
    maxTurns: 2,
    ...over,
  };
}

const hit = (id: string, score = 1): AddressHit => ({
  id,
  score,
  vocative: score === 1,
  kind: 'exact',
  at: 0,
  matched: id,
});
const turn = (
  text: string | undefined,
  hits: AddressHit[] = [],
  addressedOnly = false,
  peoplePresent = 1,
) => ({
  text,
  hits,
  addressedOnly,
  peoplePresent,
});

describe('director', () => {
  it('answers with the addressed characters, best first, within the bound', () => {
    expect(directPlayerTurn(ctx(), turn('x', [hit('c'), hit('a', 0.85), hit('b', 0.8)]))).toEqual({
      speakers: ['c', 'a'],
      reason: 'addressed',
    });
    // Mentions below the address threshold do not count.
    expect(directPlayerTurn(ctx(), turn('x', [hit('c', 0.6)])).reason).toBe('lead');
  });

  it('lead: the lead (the first member when unset or gone)', () => {
    expect(directPlayerTurn(ctx(), turn('hi')).speakers).toEqual(['a']);
    expect(directPlayerTurn(ctx({ leadId: 'b' }), turn('hi')).speakers).toEqual(['b']);
    expect(directPlayerTurn(ctx({ leadId: 'gone' }), turn('hi')).speakers).toEqual(['a']);
  });

  it('round-robin: the one after the last speaker, wrapping; skipping those who did not hear when there are no words', () => {
    const rr = (last: string | undefined, words = true, members = ctx().members) =>
      directPlayerTurn(
        ctx({ mode: 'round-robin', lastSpeakerId: last, members }),
        turn(words ? 'hi' : undefined),
      ).speakers;
    expect(rr(undefined)).toEqual(['a']);
    expect(rr('a')).toEqual(['b']);
    expect(rr('c')).toEqual(['a']);
    const bAway = [member('a'), member('b', 0.5, false), member('c')];
    expect(rr('a', true, bAway)).toEqual(['b']);
    expect(rr('a', false, bAway)).toEqual(['c']);
  });

  it('natural: shuffled talkativeness rolls, never the last speaker unless alone, someone always speaks', () => {
    for (let seed = 0; seed < 200; seed++) {
      let x = seed + 1;
      const random = () => {
        x = (x * 16807) % 2147483647;
        return (x - 1) / 2147483646;
      };
      const d = directPlayerTurn(
        ctx({ mode: 'natural', lastSpeakerId: 'b', random, maxTurns: 3 }),
        turn('hi'),
      );
      expect(d.speakers.length).toBeGreaterThan(0);
      expect(d.speakers).not.toContain('b');
    }
    const alone = ctx({ mode: 'natural', members: [member('a')], lastSpeakerId: 'a' });
    expect(directPlayerTurn(alone, turn('hi')).speakers).toEqual(['a']);
    // Nobody talkative enough: one of the eligible at random.
    const shy = ctx({ mode: 'natural', members: [member('a', 0), member('b', 0)], random: () => 0.99 });
    expect(directPlayerTurn(shy, turn('hi')).speakers).toEqual(['b']);
  });

  it('addressed-only: nobody unless addressed or alone; without words, the lead', () => {
    expect(directPlayerTurn(ctx(), turn('hi', [], true, 3))).toEqual({
      speakers: [],
      reason: 'not-addressed',
    });
    expect(directPlayerTurn(ctx(), turn('hi', [], true, 1)).speakers).toEqual(['a']);
    expect(directPlayerTurn(ctx(), turn('b!', [hit('b')], true, 3)).speakers).toEqual(['b']);
    expect(directPlayerTurn(ctx({ leadId: 'c' }), turn(undefined, [], true, 3))).toEqual({
      speakers: ['c'],
      reason: 'no-transcript',
    });
  });

  it('a line reacts only with another member it addresses', () => {
    expect(directReaction(ctx(), { speakerId: 'a', hits: [hit('a'), hit('b')] })).toBe('b');
    expect(directReaction(ctx(), { speakerId: 'a', hits: [hit('a')] })).toBeUndefined();
    expect(directReaction(ctx(), { speakerId: 'a', hits: [hit('zz')] })).toBeUndefined();
  });

  it('/scene next: the one after the last speaker', () => {
    expect(forcedNext(ctx())).toBe('a');
    expect(forcedNext(ctx({ lastSpeakerId: 'c' }))).toBe('a');
    expect(forcedNext(ctx({ lastSpeakerId: 'a' }))).toBe('b');
    expect(directPlayerTurn(ctx({ members: [] }), turn('hi'))).toEqual({ speakers: [], reason: 'empty' });
  });
});
