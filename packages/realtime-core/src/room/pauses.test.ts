// How people really speak over a voice transport: their client sends a few silence frames when its
// VAD hears a pause, then nothing until they speak again. The model must hear the pause as it was,
// in one turn, and the turn must end only at the turn-end silence; silence and noise never interrupt.
import { describe, expect, it } from 'vitest';
import { frame, setupRoom, VOICE } from './room-test-kit.ts';

const MS = (samples: number) => (samples / 24_000) * 1000;

/** Alice says 400 ms, sends `silenceFrames` zero frames, goes quiet for `pauseMs`, and says 400 ms more. */
function phrasesWithPause(pauseMs: number, silenceFrames = 5) {
  const kit = setupRoom({ trailingSilenceMs: 700, hangoverMs: 700 });
  kit.talk('alice', 400);
  // A pause shorter than the silence frames is all silence frames (the client resumes sending speech).
  const frames = Math.min(silenceFrames, Math.floor(pauseMs / 20));
  for (let i = 0; i < frames; i++) {
    kit.room.hear('alice', frame(20, 0));
    kit.clock.advance(20);
  }
  kit.clock.advance(pauseMs - frames * 20);
  kit.talk('alice', 400);
  return kit;
}

/** The silence between the two phrases in what the model heard (ms). */
function pauseHeard(samples: Int16Array): number {
  const first = samples.indexOf(0);
  let end = first;
  while (end < samples.length && samples[end] === 0) end++;
  return MS(end - first);
}

describe('pauses in a speaker’s turn', () => {
  for (const pause of [50, 150, 300, 450, 650])
    it(`a ${pause} ms pause reaches the model at its length, in one turn, with one label`, () => {
      const { model, room } = phrasesWithPause(pause);
      expect(model.labels).toEqual(['[Alice]']);
      const [turn] = model.turns();
      expect(MS(turn!.samples.filter((v) => v === VOICE.alice).length)).toBe(800);
      expect(Math.abs(pauseHeard(turn!.samples) - pause)).toBeLessThanOrEqual(20);
      expect(room.state).toMatchObject({ status: 'turn', label: 'Alice' });
    });

  it('a pause as long as the turn-end silence ends the turn once, at that moment, with exactly that silence', () => {
    const { model, room, clock, talk } = setupRoom({ trailingSilenceMs: 700, hangoverMs: 700 });
    talk('alice', 400);
    for (let i = 0; i < 5; i++) {
      room.hear('alice', frame(20, 0));
      clock.advance(20);
    }
    clock.advance(578); // 678 ms since her last words: still her turn
    expect(room.state.status).toBe('turn');
    clock.advance(2);
    expect(room.state.status).toBe('quiet');
    clock.advance(1400);
    talk('alice', 400);
    expect(model.labels).toEqual(['[Alice]', '[Alice]']);
    const [first] = model.turns();
    // 100 ms of silence frames + the rest of the turn-end silence: 700 ms after her last words.
    expect(MS(first!.samples.filter((v) => v === 0).length)).toBe(700);
  });

  it('silence frames and noise below the speech gate never open a turn or interrupt a reply', () => {
    const { model, room, clock, sink } = setupRoom({ bargeInMinSpeechMs: 100 });
    model.speak('r1', 2000);
    for (let t = 0; t < 1500; t += 20) {
      room.hear('alice', frame(20, 0)); // a client transmitting silence frames
      room.hear('bob', frame(20, 60)); // breath noise, about −55 dBFS
      clock.advance(20);
    }
    expect(model.count('cancel')).toBe(0);
    expect(model.labels).toEqual([]);
    expect(sink.audio().length).toBeGreaterThan(70);
    expect(room.bargeIns).toBe(0);
  });

  it('a late or lost packet in the middle of speech is not a pause: nothing is inserted', () => {
    const { model, room, clock, talk } = setupRoom();
    talk('alice', 200);
    clock.advance(40); // one packet 40 ms late (network jitter), then the rest on time
    talk('alice', 200);
    expect(model.audioMs).toBe(400);
    expect(model.labels).toEqual(['[Alice]']);
    expect(room.state.status).toBe('turn');
  });

  it('speech over a reply still interrupts it once it lasts the barge-in minimum', () => {
    const { model, talk } = setupRoom({ bargeInMinSpeechMs: 100 });
    model.speak('r1', 2000);
    talk('alice', 60);
    expect(model.count('cancel')).toBe(0);
    talk('alice', 60);
    expect(model.count('cancel')).toBe(1);
  });

  it('a waiting speaker’s held speech keeps its own pauses', () => {
    const { model, room, clock } = setupRoom({ trailingSilenceMs: 700, hangoverMs: 700 });
    for (let t = 0; t < 1000; t += 20) {
      room.hear('alice', frame(20, VOICE.alice!));
      if (t < 200 || (t >= 500 && t < 700)) room.hear('bob', frame(20, VOICE.bob!));
      else if (t < 300) room.hear('bob', frame(20, 0)); // his client's five silence frames
      clock.advance(20);
    }
    clock.advance(800);
    const bob = model.turns()[1]!;
    expect(bob.label).toBe('[Bob, talking over Alice]');
    expect(MS(bob.samples.filter((v) => v === VOICE.bob).length)).toBe(400);
    expect(Math.abs(pauseHeard(bob.samples) - 300)).toBeLessThanOrEqual(20);
  });
});
