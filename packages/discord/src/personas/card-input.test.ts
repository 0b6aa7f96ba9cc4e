import { describe, expect, it } from 'vitest';
import { cardBytesProblem, importFailureReason, safeFileName } from './card-input.ts';

describe('card input checks', () => {
  it('refuses empty files and invalid UTF-8, lets PNGs through to the PNG reader', () => {
    expect(cardBytesProblem(new Uint8Array(0))).toMatch(/empty/);
    expect(cardBytesProblem(Uint8Array.of(0x7b, 0xff, 0xfe, 0x7d))).toMatch(
      /not valid UTF-8.*Save the JSON card as UTF-8/,
    );
    expect(cardBytesProblem(new TextEncoder().encode('{"name":"说书人 🎭"}'))).toBeUndefined();
    expect(
      cardBytesProblem(Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0xff)),
    ).toBeUndefined();
  });

  it('names files harmlessly and words engine errors without echoing them', () => {
    expect(safeFileName('my card <@&1> `x`.png')).toBe('my_card_1_x_.png');
    expect(safeFileName('😀')).toBe('_');
    expect(safeFileName('')).toBe('card');
    const personaError = Object.assign(new Error('c.json: the card is not valid JSON. Fix: export again'), {
      name: 'PersonaError',
    });
    expect(importFailureReason(personaError)).toBe(personaError.message);
    expect(
      importFailureReason(new DOMException('The string to be decoded is not correctly encoded.')),
    ).toMatch(/damaged/);
  });
});
