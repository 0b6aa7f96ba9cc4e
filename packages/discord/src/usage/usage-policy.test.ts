import { describe, expect, it } from 'vitest';
import {
  evaluateUsage,
  formatDuration,
  formatElapsed,
  msUntilUtcReset,
  usedMinutes,
} from './usage-policy.ts';

describe('usage policy', () => {
  it('warns once at 80 % and caps at 100 %', () => {
    expect(evaluateUsage(7.9, 10, false)).toBe('ok');
    expect(evaluateUsage(8, 10, false)).toBe('warn');
    expect(evaluateUsage(9, 10, true)).toBe('ok');
    expect(evaluateUsage(10, 10, true)).toBe('cap');
    expect(evaluateUsage(10, 10, false)).toBe('cap');
  });

  it('treats a missing or zero cap as unlimited', () => {
    expect(evaluateUsage(1e6, null, false)).toBe('ok');
    expect(evaluateUsage(1e6, 0, false)).toBe('ok');
  });

  it('counts input plus output audio and computes the UTC reset', () => {
    expect(usedMinutes({ inputAudioMs: 30_000, outputAudioMs: 90_000 })).toBe(2);
    expect(msUntilUtcReset(Date.UTC(2026, 0, 1, 23, 0))).toBe(3_600_000);
    expect(formatDuration(3_600_000 + 12 * 60_000)).toBe('1 h 12 min');
    expect(formatDuration(30_000)).toBe('30 s');
    expect(formatDuration(61_000)).toBe('2 min');
  });

  it('shows elapsed time in seconds when short, rounded down', () => {
    expect(formatElapsed(5_000)).toBe('5 s');
    expect(formatElapsed(59_999)).toBe('59 s');
    expect(formatElapsed(65_000)).toBe('1 min 5 s');
    expect(formatElapsed(25 * 60_000 + 59_000)).toBe('25 min');
    expect(formatElapsed(3_600_000 + 3 * 60_000)).toBe('1 h 3 min');
  });
});
