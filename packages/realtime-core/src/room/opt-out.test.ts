// Issue 13 #2: an opted-out member's audio never leaves the room, nor their label, held audio included.
import { describe, expect, it } from 'vitest';
import { setupRoom, VOICE } from './room-test-kit.ts';

describe('room opt-out', () => {
  it('never sends an opted-out speaker’s audio or label', () => {
    const { model, talk, optedOut, room } = setupRoom();
    optedOut.add('carol');
    talk('carol', 1000);
    room.speakerStopped('carol');
    talk('alice', 200);
    expect(model.labels).toEqual(['[Alice]']);
    expect(model.calls.some((c) => c.type === 'audio' && c.pcm.includes(303))).toBe(false);
  });

  it('audio held while waiting is dropped when the policy says opted out, before the floor passes', () => {
    const { model, scene, optedOut, room, msOf } = setupRoom();
    scene([
      { id: 'alice', from: 0, to: 3000, stop: false },
      { id: 'bob', from: 500, to: 2600 },
    ]);
    expect(room.status().speakers.find((s) => s.id === 'bob')?.heldMs).toBe(2100);
    // The store now says Bob opted out (e.g. /voice optout), but nobody told the room.
    optedOut.add('bob');
    room.speakerStopped('alice');
    expect(model.labels).toEqual(['[Alice]']);
    expect(model.turns().reduce((n, t) => n + msOf(t.samples, 'bob'), 0)).toBe(0);
    // Nothing of Bob's reached the model, so Alice's turn is left alone.
    expect(model.count('clear')).toBe(0);
  });

  it('optOut() purges held audio at once and keeps the speaker out whatever the policy says', () => {
    const { model, scene, room } = setupRoom();
    scene([
      { id: 'alice', from: 0, to: 1000, stop: false },
      { id: 'bob', from: 200, to: 900, stop: false },
    ]);
    room.optOut('bob');
    expect(room.status().speakers.find((s) => s.id === 'bob')).toMatchObject({ heldMs: 0, optedOut: true });
    room.speakerStopped('alice');
    scene([{ id: 'bob', from: 0, to: 500 }]);
    expect(model.labels).toEqual(['[Alice]']);
    room.optIn('bob');
    scene([{ id: 'bob', from: 0, to: 100 }]);
    expect(model.labels).toEqual(['[Alice]', '[Bob]']);
  });

  it('opting out mid-turn: nothing more of theirs is sent, their turn closes, the next speaker gets the floor', () => {
    const { model, scene, room, msOf } = setupRoom({ trailingSilenceMs: 700 });
    scene([
      { id: 'alice', from: 0, to: 500, stop: false },
      { id: 'bob', from: 200, to: 500, stop: false },
    ]);
    room.optOut('alice');
    scene([
      { id: 'alice', from: 0, to: 1000 },
      { id: 'bob', from: 0, to: 300 },
    ]);
    // What of Alice's turn the model had not committed yet is dropped there too.
    const clearAt = model.calls.findIndex((c) => c.type === 'clear');
    expect(clearAt).toBeGreaterThan(
      model.calls.findLastIndex((c) => c.type === 'audio' && c.pcm[0] === VOICE.alice),
    );
    expect(clearAt).toBeLessThan(
      model.calls.findIndex((c) => c.type === 'text' && c.text.startsWith('[Bob')),
    );
    expect(model.count('clear')).toBe(1);
    const turns = model.turns();
    expect(turns.map((t) => t.label)).toEqual(['[Alice]', '[Bob, talking over Alice]']);
    expect(msOf(turns[0]!.samples, 'alice')).toBe(500);
    expect(turns[0]!.samples.filter((v) => v === 0).length / 24).toBe(700);
    expect(msOf(turns[1]!.samples, 'bob')).toBe(600);
  });

  it('an opted-out speaker cannot interrupt the character', () => {
    const { model, talk, optedOut, clock, sink } = setupRoom({ bargeInMinSpeechMs: 100 });
    optedOut.add('alice');
    model.speak('r1', 1000);
    model.finish('r1');
    talk('alice', 500);
    clock.advance(1000);
    expect(model.count('cancel')).toBe(0);
    expect(sink.audio('r1')).toHaveLength(50);
  });

  it('a speaker opted out while waiting is skipped: the floor goes to the next in line', () => {
    const { model, scene, optedOut, room } = setupRoom();
    scene([
      { id: 'alice', from: 0, to: 1000, stop: false },
      { id: 'bob', from: 100, to: 400 },
      { id: 'carol', from: 200, to: 500 },
    ]);
    optedOut.add('bob');
    room.speakerStopped('alice');
    expect(model.labels).toEqual(['[Alice]', '[Carol, talking over Alice]']);
  });
});
