import { describe, expect, it } from 'vitest';
import { MAX_WEBHOOK_NAME, webhookUsername } from './webhook-name.ts';

describe('webhookUsername', () => {
  it('defuses "clyde" and "discord" in any case, keeping the name readable', () => {
    for (const name of ['Clyde', 'clydesdale', 'My DISCORD pal', 'discordclyde']) {
      const out = webhookUsername(name);
      expect(out).not.toMatch(/clyde|discord/i);
      expect(out).toHaveLength(name.length);
    }
  });

  it('strips invisible and bidi characters, collapses spaces, falls back when nothing is left', () => {
    expect(webhookUsername('  Ann\u200b \u202Eeve\u2028 ')).toBe('Ann eve');
    expect(webhookUsername('\u200b\u2060\ufeff')).toBe('Someone');
    expect(webhookUsername('   ', 'Captain')).toBe('Captain');
  });

  it('cuts at 80 UTF-16 units without splitting a character', () => {
    const long = `${'a'.repeat(79)}😀b`;
    const out = webhookUsername(long);
    expect(out.length).toBeLessThanOrEqual(MAX_WEBHOOK_NAME);
    expect(out).toBe('a'.repeat(79));
    expect(webhookUsername('é'.normalize('NFD').repeat(50)).length).toBeLessThanOrEqual(MAX_WEBHOOK_NAME);
  });
});
