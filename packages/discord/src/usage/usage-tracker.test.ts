import { describe, expect, it } from 'vitest';
import { Store } from '../store/store.ts';
import { FakeVoice, P, silentLogger } from '../testing/fake-voice.ts';
import { UsageTracker } from './usage-tracker.ts';

function setup(cap: number | null) {
  const store = new Store(':memory:');
  if (cap) store.updateSettings('g', { dailyCapMinutes: cap });
  const voice = new FakeVoice();
  const notes: string[] = [];
  let now = Date.UTC(2026, 0, 1, 22, 0);
  const tracker = new UsageTracker({
    store,
    voice,
    logger: silentLogger(),
    notify: async (_g, _c, text) => {
      notes.push(text);
    },
    now: () => now,
  });
  return { store, voice, notes, tracker, setNow: (t: number) => (now = t) };
}

describe('UsageTracker', () => {
  it('warns in character once at 80 % and leaves with reason cap at 100 %', async () => {
    const { voice, notes, tracker } = setup(10);
    const session = voice.open('g', 'vc', P.captain);
    await tracker.record('g', 4 * 60_000, 3 * 60_000);
    expect(session.announcements).toHaveLength(0);
    await tracker.record('g', 30_000, 30_000);
    expect(session.announcements).toHaveLength(1);
    await tracker.record('g', 30_000, 0);
    expect(session.announcements).toHaveLength(1);
    await tracker.record('g', 60_000, 60_000);
    expect(voice.left).toEqual([{ guildId: 'g', reason: 'cap' }]);
    expect(notes[0]).toMatch(/daily voice limit \(10 min\).*resets at 00:00 UTC \(in 2 h 0 min\)/);
  });

  it('refuses /join after the cap and allows it again the next UTC day', async () => {
    const { tracker, setNow } = setup(1);
    expect(tracker.checkJoin('g').allowed).toBe(true);
    await tracker.record('g', 60_000, 0);
    const refused = tracker.checkJoin('g');
    expect(refused.allowed).toBe(false);
    if (!refused.allowed) expect(refused.message).toContain('resets at 00:00 UTC');
    setNow(Date.UTC(2026, 0, 2, 0, 1));
    expect(tracker.checkJoin('g').allowed).toBe(true);
  });

  it('accumulates usage events from the voice layer and never caps without a limit', async () => {
    const { voice, store } = setup(null);
    voice.open('g', 'vc', P.captain);
    voice.fire('usage', { guildId: 'g', inputAudioMs: 1000, outputAudioMs: 2000 });
    voice.fire('usage', { guildId: 'g', inputAudioMs: 1000, outputAudioMs: 2000 });
    expect(store.getUsage('g', '2026-01-01')).toMatchObject({ inputAudioMs: 2000, outputAudioMs: 4000 });
    expect(voice.left).toHaveLength(0);
  });
});
