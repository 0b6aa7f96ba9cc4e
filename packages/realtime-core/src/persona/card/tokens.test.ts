import { describe, expect, it } from 'vitest';
import { estimateTokens } from './tokens.ts';

describe('token estimate', () => {
  it('counts nothing for nothing and whitespace', () => {
    expect(estimateTokens('')).toBe(0);
    expect(estimateTokens('  \n\t ')).toBe(0);
  });

  it('counts ASCII words by started groups of three characters', () => {
    expect(estimateTokens('the')).toBe(1);
    expect(estimateTokens('dragon')).toBe(2);
    expect(estimateTokens('the dragon sleeps.')).toBe(1 + 2 + 2 + 1);
  });

  it('counts CJK characters at 1.5 tokens each (rounded up overall)', () => {
    expect(estimateTokens('霜月')).toBe(3);
    expect(estimateTokens('霜月剑')).toBe(5);
    expect(estimateTokens('林雪，你好')).toBe(Math.ceil(4 * 1.5 + 1));
  });

  it('is at least one token per CJK character and per English word in mixed text', () => {
    const mixed = '她拔出了 Frost Moon 剑，说：“Let us go.”';
    const cjk = mixed.match(/[\u4e00-\u9fff]/g)!.length;
    const words = mixed.match(/[A-Za-z]+/g)!.length;
    expect(estimateTokens(mixed)).toBeGreaterThanOrEqual(cjk + words);
  });

  it('never decreases when text is appended', () => {
    let text = '';
    let last = 0;
    for (const piece of ['a', '龍', ' ', 'é', '😀', 'word', '。', 'x']) {
      text += piece;
      const now = estimateTokens(text);
      expect(now).toBeGreaterThanOrEqual(last);
      last = now;
    }
  });
});
