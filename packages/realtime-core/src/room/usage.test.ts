// Issue 13 #5: usage is counted as audio is sent and heard, and flushed on every end.
import { describe, expect, it } from 'vitest';
import type { UsageDelta } from './ports.ts';
import { setupRoom } from './room-test-kit.ts';

const sum = (deltas: UsageDelta[]) =>
  deltas.reduce(
    (t, d) => ({
      inputAudioMs: t.inputAudioMs + d.inputAudioMs,
      outputAudioMs: t.outputAudioMs + d.outputAudioMs,
    }),
    { inputAudioMs: 0, outputAudioMs: 0 },
  );

describe('room usage', () => {
  it('counts speaker audio when it is sent: held audio once it goes, an opted-out speaker’s never', () => {
    const { scene, room, optedOut } = setupRoom();
    optedOut.add('carol');
    scene([
      { id: 'alice', from: 0, to: 1000, stop: false },
      { id: 'bob', from: 200, to: 700 },
      { id: 'carol', from: 0, to: 1000 },
    ]);
    expect(room.status().usage.inputAudioMs).toBe(1000);
    room.speakerStopped('alice');
    expect(room.status().usage.inputAudioMs).toBe(1500);
  });

  it('counts reply audio as it is played, and reports it while a reply that never completes plays on', () => {
    const { model, clock, events } = setupRoom({ usageFlushMs: 5000, maxAheadMs: 120_000 });
    // 90 s streamed at once; the model never says the reply is done.
    for (let s = 0; s < 90; s++) model.speak('r1', 1000);
    clock.advance(60_000);
    const reported = sum(events.usage);
    expect(events.usage.length).toBeGreaterThanOrEqual(11);
    // Played: one frame at once, then one every 20 ms; reported up to the last 5 s flush.
    expect(reported.outputAudioMs).toBeGreaterThanOrEqual(55_000);
    expect(reported.outputAudioMs).toBeLessThanOrEqual(60_020);
  });

  it('does not count reply audio that was never played', () => {
    const { model, clock, room, talk } = setupRoom({ bargeInMinSpeechMs: 100 });
    model.speak('r1', 10_000);
    clock.advance(980);
    talk('alice', 100);
    clock.advance(10_000);
    expect(room.status().usage.outputAudioMs).toBe(1080);
  });

  it('leaving mid-reply flushes what was played, and nothing is counted after', () => {
    const { model, clock, room, events } = setupRoom({ usageFlushMs: 60_000 });
    model.speak('r1', 10_000);
    clock.advance(2000);
    room.end('left');
    expect(sum(events.usage).outputAudioMs).toBe(2020);
    clock.advance(5000);
    expect(sum(events.usage).outputAudioMs).toBe(2020);
    expect(events.ended).toEqual([{ reason: 'left' }]);
  });

  it('a fatal model error ends the room and flushes usage; a recoverable one does not', () => {
    const { model, clock, events, talk } = setupRoom({ usageFlushMs: 60_000 });
    talk('alice', 400);
    model.speak('r1', 1000);
    clock.advance(200);
    model.fail({ code: 'connect_failed', message: 'reconnecting', recoverable: true });
    expect(events.ended).toEqual([]);
    model.fail({ code: 'auth_failed', message: 'the API key was rejected', recoverable: false });
    expect(events.ended).toEqual([
      { reason: 'error', message: 'the API key was rejected', modelError: 'auth_failed' },
    ]);
    expect(sum(events.usage)).toEqual({ inputAudioMs: 400, outputAudioMs: 220 });
  });

  it('a usage listener may end the room (a cap): playback stops at once and the rest is flushed once', () => {
    const { model, clock, room, sink, events } = setupRoom({ usageFlushMs: 1000 });
    room.on('usage', () => {
      if (room.status().usage.outputAudioMs >= 3000) room.end('cap');
    });
    model.speak('r1', 10_000);
    clock.advance(10_000);
    expect(events.ended).toEqual([{ reason: 'cap' }]);
    // The 3 s flush found 150 frames played (0 … 2980 ms): nothing was played after it.
    const played = sink.audio().length;
    expect(played).toBe(150);
    expect(sum(events.usage).outputAudioMs).toBe(played * 20);
  });

  it('reports usage when the model finishes a reply and when its playback ends', () => {
    const { model, clock, events } = setupRoom({ usageFlushMs: 60_000 });
    model.speak('r1', 400);
    model.finish('r1');
    clock.advance(1000);
    expect(events.usage).toEqual([
      { inputAudioMs: 0, outputAudioMs: 20 },
      { inputAudioMs: 0, outputAudioMs: 380 },
    ]);
  });
});
