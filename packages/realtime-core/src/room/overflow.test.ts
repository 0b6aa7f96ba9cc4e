// Issue 13 #9: what a room holds ahead of playback is bounded; beyond it the reply is cut, not buffered whole.
import { describe, expect, it } from 'vitest';
import { setupRoom } from './room-test-kit.ts';

const TEN_MINUTES = 600_000;

describe('room: reply audio held ahead of playback', () => {
  it('a 10-minute reply in one burst is held only up to maxAheadMs, cut, cancelled once and truncated at what played', () => {
    const { model, sink, clock, room } = setupRoom({ maxAheadMs: 60_000 });
    // One delta per second, all at once, as a model streaming far faster than real time.
    for (let s = 0; s < TEN_MINUTES / 1000; s++) model.speak('r1', 1000);
    model.finish('r1');
    const status = room.status();
    expect(status.aheadMs).toBeLessThanOrEqual(60_000);
    // 60 s held, plus the first frame, played the moment the pre-roll was ready.
    expect(status.overflowMs).toBe(TEN_MINUTES - 60_020);
    expect(model.count('cancel')).toBe(1);
    expect(model.truncations).toEqual([]);
    clock.advance(70_000);
    // Everything kept was played, then the model was told that is where its reply ended.
    expect(sink.audio('r1')).toHaveLength(3001);
    expect(model.truncations).toEqual([{ itemId: 'item_r1', ms: 60_020 }]);
    expect(room.status().aheadMs).toBe(0);
  });

  it('a single huge delta is cut to what fits, not converted whole', () => {
    const { model, room } = setupRoom({ maxAheadMs: 10_000 });
    model.speak('r1', TEN_MINUTES);
    // The pre-roll was there at once: the first frame is already playing.
    expect(room.status().aheadMs).toBe(10_000 - 20);
    expect(room.status().overflowMs).toBe(TEN_MINUTES - 10_000);
    expect(room.status().aheadMs + 20).toBe(10_000);
  });

  it('the bound counts every reply held: a queued reply gets only what is left', () => {
    const { model, clock, sink, room } = setupRoom({ maxAheadMs: 5000 });
    model.speak('r1', 3000);
    model.finish('r1');
    model.speak('r2', 3000);
    model.finish('r2');
    expect(room.status().aheadMs).toBe(5000);
    clock.advance(10_000);
    // r1 (3 s, its first frame already played) left r2 5000 − 2980 ms.
    expect(sink.audio('r1')).toHaveLength(150);
    expect(sink.audio('r2')).toHaveLength(101);
    expect(model.truncations).toEqual([{ itemId: 'item_r2', ms: 2020 }]);
  });

  it('a reply that fits is never cut, however it is streamed', () => {
    const { model, clock, sink } = setupRoom({ maxAheadMs: 5000 });
    // 20 s streamed at 1.1× real time: the backlog peaks at about 2 s.
    for (let i = 0; i < 40; i++) {
      model.speak('r1', 500);
      clock.advance(450);
    }
    model.finish('r1');
    clock.advance(20_000);
    expect(sink.audio('r1')).toHaveLength(1000);
    expect(model.count('cancel')).toBe(0);
  });

  it('a barge-in on a cut reply truncates it once, at what was heard', () => {
    const { model, clock, talk } = setupRoom({ maxAheadMs: 2000, bargeInMinSpeechMs: 100 });
    model.speak('r1', 10_000);
    clock.advance(500);
    talk('alice', 100);
    clock.advance(5000);
    expect(model.truncations).toEqual([{ itemId: 'item_r1', ms: 600 }]);
  });
});
