// Barge-in: a speaker talking over the character stops it at once, and the model is told what was heard.
import { describe, expect, it } from 'vitest';
import { setupRoom, VOICE } from './room-test-kit.ts';

describe('room barge-in', () => {
  it('sustained speech over a playing reply stops it: no audio frame after the decision, truncated at what was heard', () => {
    const { model, sink, talk, clock, t0, events, room } = setupRoom({ bargeInMinSpeechMs: 300 });
    model.speak('r1', 2000);
    model.finish('r1');
    clock.advance(500);
    talk('alice', 600);
    const decision = sink.frames.findIndex((f) => f.cause === 'trailing');
    const heard = sink.audio('r1');
    // Alice's 15th frame (300 ms of speech) came at 780 ms, just after the reply's 40th frame.
    expect(sink.frames[decision]!.at - t0).toBe(780);
    expect(heard).toHaveLength(40);
    expect(sink.frames.slice(decision).every((f) => f.kind === 'silence')).toBe(true);
    expect(model.truncations).toEqual([{ itemId: 'item_r1', ms: 800 }]);
    expect(model.count('cancel')).toBe(1);
    clock.advance(2000);
    expect(sink.audio('r1')).toHaveLength(40);
    expect(events.bargeIn).toEqual([{ framesAfterDecision: 0, truncatedAtMs: 800 }]);
    expect(room.bargeIns).toBe(1);
    expect(sink.quietCalls).toBe(1);
  });

  it('echo guard: a burst shorter than bargeInMinSpeechMs does not interrupt', () => {
    const { model, sink, talk, clock, room } = setupRoom({ bargeInMinSpeechMs: 300 });
    model.speak('r1', 1000);
    model.finish('r1');
    talk('alice', 280);
    room.speakerStopped('alice');
    clock.advance(2000);
    expect(model.count('cancel')).toBe(0);
    expect(sink.audio('r1')).toHaveLength(50);
  });

  it('a pause longer than the hangover restarts the burst; a shorter one does not', () => {
    const long = setupRoom({ bargeInMinSpeechMs: 300, hangoverMs: 700 });
    long.model.speak('r1', 5000);
    long.talk('alice', 200);
    long.clock.advance(800);
    long.talk('alice', 200);
    expect(long.model.count('cancel')).toBe(0);

    const short = setupRoom({ bargeInMinSpeechMs: 300, hangoverMs: 700 });
    short.model.speak('r1', 5000);
    short.talk('alice', 200);
    short.clock.advance(300);
    short.talk('alice', 200);
    expect(short.model.count('cancel')).toBe(1);
  });

  it('a reply still pre-rolling, never heard, is cancelled and truncated at 0', () => {
    const { model, sink, talk } = setupRoom({ preRollFrames: 3, bargeInMinSpeechMs: 100 });
    model.speak('r1', 40); // two frames: not enough to start
    talk('alice', 120);
    expect(sink.audio()).toHaveLength(0);
    expect(model.count('cancel')).toBe(1);
    expect(model.truncations).toEqual([{ itemId: 'item_r1', ms: 0 }]);
  });

  it('queued replies go with the playing one, each truncated at what was heard of it (0 if nothing)', () => {
    const { model, sink, talk, clock } = setupRoom({ bargeInMinSpeechMs: 100 });
    model.speak('r1', 400);
    model.finish('r1');
    model.speak('r2', 400);
    model.finish('r2');
    clock.advance(100);
    talk('alice', 100);
    expect(model.truncations).toEqual([
      { itemId: 'item_r1', ms: 200 },
      { itemId: 'item_r2', ms: 0 },
    ]);
    clock.advance(1000);
    expect(sink.audio('r2')).toHaveLength(0);
  });

  it('nothing is interrupted when the character is silent', () => {
    const { model, talk } = setupRoom({ bargeInMinSpeechMs: 100 });
    talk('alice', 1000);
    expect(model.count('cancel')).toBe(0);
    expect(model.truncations).toEqual([]);
  });

  it('a speaker waiting for the floor cannot interrupt; their held speech counts once they hold it', () => {
    const { model, scene } = setupRoom({ bargeInMinSpeechMs: 1000, maxHeldMs: 4000 });
    model.speak('r1', 10_000);
    scene([
      { id: 'alice', from: 0, to: 900 },
      { id: 'bob', from: 100, to: 1300 },
    ]);
    const cancelAt = model.calls.findIndex((c) => c.type === 'cancel');
    const bobLabelAt = model.calls.findIndex((c) => c.type === 'text' && c.text.startsWith('[Bob'));
    expect(cancelAt).toBeGreaterThan(bobLabelAt);
    // Bob's burst reached 1000 ms with his 50th frame, the 10th after the handoff at 900 ms.
    const bobFramesBeforeCancel = model.calls
      .slice(bobLabelAt, cancelAt)
      .filter((c) => c.type === 'audio' && c.pcm[0] === VOICE.bob).length;
    expect(bobFramesBeforeCancel).toBe(50);
  });

  it('ignores audio the model still sends for an interrupted reply', () => {
    const { model, sink, talk, clock } = setupRoom({ bargeInMinSpeechMs: 100 });
    model.speak('r1', 1000);
    talk('alice', 100);
    const heard = sink.audio().length;
    model.speak('r1', 1000);
    model.finish('r1');
    clock.advance(2000);
    expect(sink.audio()).toHaveLength(heard);
  });

  it('the owner can interrupt too (e.g. before forgetting the conversation)', () => {
    const { model, sink, room, clock } = setupRoom();
    model.speak('r1', 1000);
    clock.advance(100);
    room.interrupt();
    expect(model.truncations).toEqual([{ itemId: 'item_r1', ms: 120 }]);
    clock.advance(1000);
    expect(sink.audio()).toHaveLength(6);
  });

  it('a new reply after a barge-in plays normally', () => {
    const { model, sink, talk, clock, room } = setupRoom({ bargeInMinSpeechMs: 100 });
    model.speak('r1', 1000);
    talk('alice', 100);
    room.speakerStopped('alice');
    model.speak('r2', 200);
    model.finish('r2');
    clock.advance(1000);
    expect(sink.audio('r2').map((f) => f.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});
