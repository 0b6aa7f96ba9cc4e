import { describe, expect, it } from 'vitest';
import { echo } from './echo.ts';

describe('echo', () => {
  it('quotes typed text on one short line that cannot break out of the code span', () => {
    expect(echo('captain')).toBe('`captain`');
    expect(echo('a`b\n# c\u202Ed\u0000')).toBe('`aˋb # c d`');
    expect(echo('x'.repeat(500))).toBe(`\`${'x'.repeat(59)}…\``);
    expect(echo('🎭'.repeat(100), 10)).toBe(`\`${'🎭'.repeat(9)}…\``);
    expect(echo(42)).toBe('`42`');
    expect(echo(undefined)).toBe('` `');
  });
});
