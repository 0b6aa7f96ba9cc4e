import { describe, expect, it } from 'vitest';
import { FakeSession, P } from '../testing/fake-voice.ts';
import { formatStatus } from './voice-commands.ts';

describe('/voice status', () => {
  it('shows a short session in seconds (5 s is "5 s", not "1 min")', () => {
    const status = { ...new FakeSession('g', 'c', P.captain).status(), sessionAgeMs: 5_000 };
    expect(formatStatus(status, 'Today: 0.1 min used')).toContain('session 5 s ·');
    expect(formatStatus({ ...status, sessionAgeMs: 65_000 }, '')).toContain('session 1 min 5 s ·');
  });
});
