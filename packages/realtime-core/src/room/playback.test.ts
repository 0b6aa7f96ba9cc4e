// Playback: the character's replies reach the sink one 20 ms frame per 20 ms, just in time.
import { createOpusEncoder } from '@troupe/opus';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../testing/manual-clock.ts';
import { FakeModel, RecordingSink } from '../testing/room-fakes.ts';
import type { OutputFrame } from './ports.ts';
import { Room } from './room.ts';
import { setupRoom } from './room-test-kit.ts';

function tone(ms: number, hz: number): Int16Array {
  return Int16Array.from({ length: (24 * ms) | 0 }, (_, i) =>
    Math.round(8000 * Math.sin((2 * Math.PI * hz * i) / 24_000)),
  );
}

describe('room playback', () => {
  it('starts once the pre-roll is ready, then one frame every 20 ms, five silence frames, and quiet', () => {
    const { model, sink, clock, t0, room } = setupRoom({ preRollFrames: 3 });
    model.speak('r1', 40);
    expect(sink.frames).toHaveLength(0);
    clock.advance(10);
    model.speak('r1', 40);
    model.finish('r1');
    clock.advance(500);
    expect(sink.audio('r1').map((f) => f.at - t0)).toEqual([10, 30, 50, 70]);
    expect(sink.audio('r1').map((f) => f.index)).toEqual([0, 1, 2, 3]);
    expect(sink.silence('trailing').map((f) => f.at - t0)).toEqual([90, 110, 130, 150, 170]);
    expect(sink.quietCalls).toBe(1);
    expect(room.status().playback).toBe('idle');
  });

  it('plays a reply shorter than the pre-roll as soon as the model finishes it', () => {
    const { model, sink, clock, t0 } = setupRoom({ preRollFrames: 3 });
    model.speak('r1', 30);
    clock.advance(50);
    model.finish('r1');
    // 30 ms is a frame and a half: the tail is zero-padded to a whole frame.
    expect(sink.audio('r1').map((f) => [f.at - t0, f.samples])).toEqual([[50, 480]]);
    clock.advance(20);
    expect(sink.audio('r1')).toHaveLength(2);
  });

  it('an underrun sends silence and waits for the rest of the reply instead of dropping it', () => {
    const { model, sink, clock, room } = setupRoom({ preRollFrames: 3 });
    model.speak('r1', 60);
    clock.advance(100); // frames at 0, 20, 40; nothing at 60, 80, 100
    model.speak('r1', 40);
    model.finish('r1');
    clock.advance(500);
    expect(sink.audio('r1')).toHaveLength(5);
    expect(sink.silence('underrun')).toHaveLength(3);
    expect(room.underruns).toBe(3);
  });

  it('gives up on a reply that delivers nothing for maxMissedFrames ticks', () => {
    const { model, sink, clock, room } = setupRoom({ preRollFrames: 1, maxMissedFrames: 10 });
    model.speak('r1', 20);
    clock.advance(1000);
    expect(sink.silence('underrun')).toHaveLength(10);
    expect(room.status().playback).toBe('idle');
    expect(sink.quietCalls).toBe(1);
  });

  it('plays a queued reply back to back, on the same 20 ms rhythm, index 0 marking its start', () => {
    const { model, sink, clock, t0, events } = setupRoom();
    model.speak('r1', 60);
    model.finish('r1');
    model.speak('r2', 40);
    model.finish('r2');
    clock.advance(500);
    expect(sink.audio().map((f) => [f.responseId, f.index, f.at - t0])).toEqual([
      ['r1', 0, 0],
      ['r1', 1, 20],
      ['r1', 2, 40],
      ['r2', 0, 60],
      ['r2', 1, 80],
    ]);
    expect(events.replyStarted.map((e) => e.responseId)).toEqual(['r1', 'r2']);
  });

  it('a new reply cannot disturb the one playing: a sink encoder reset at index 0 gives each reply the packets it gets alone', () => {
    const packets = (replies: [string, Int16Array][], overlap: boolean, resetOnArrival = false) => {
      const clock = new ManualClock();
      const model = new FakeModel();
      const sink = new RecordingSink(clock);
      const encoder = createOpusEncoder({ sampleRate: 24_000, channels: 1 });
      const out = new Map<string, string[]>();
      sink.onFrame = (f: OutputFrame) => {
        if (f.kind !== 'audio') return;
        if (f.index === 0) encoder.reset();
        out.set(f.responseId, [
          ...(out.get(f.responseId) ?? []),
          Buffer.from(encoder.encode(f.pcm)).toString('hex'),
        ]);
      };
      new Room({ cast: [{ name: 'Mara', model }], sink, clock });
      // The old design: each reply reset the channel's encoder when its audio arrived.
      const arrived = new Set<string>();
      model.on('audio', (_pcm, meta) => {
        if (resetOnArrival && !arrived.has(meta.responseId)) encoder.reset();
        arrived.add(meta.responseId);
      });
      for (const [id, pcm] of replies) {
        model.stream(id, pcm.subarray(0, 2400));
        if (overlap) clock.advance(40); // r2 starts streaming while r1 is mid-playback
        model.stream(id, pcm.subarray(2400));
        model.finish(id);
        if (!overlap) clock.advance(5000);
      }
      clock.advance(5000);
      return out;
    };
    const r1 = tone(400, 220);
    const r2 = tone(400, 330);
    const alone1 = packets([['r1', r1]], false).get('r1');
    const alone2 = packets([['r2', r2]], false).get('r2');
    const together = packets(
      [
        ['r1', r1],
        ['r2', r2],
      ],
      true,
    );
    expect(alone1).toHaveLength(20);
    expect(together.get('r1')).toEqual(alone1);
    expect(together.get('r2')).toEqual(alone2);
    // The comparison sees the old bug: a reset while r1 was still being encoded changes its packets.
    const oldWay = packets(
      [
        ['r1', r1],
        ['r2', r2],
      ],
      true,
      true,
    );
    expect(oldWay.get('r1')).not.toEqual(alone1);
  });

  it('after a long stall resynchronises instead of bursting the backlog', () => {
    let now = 0;
    const pending: { fn: () => void; delay: number }[] = [];
    const clock = {
      now: () => now,
      setTimeout: (fn: () => void, delay: number) => pending.push({ fn, delay }),
      clearTimeout: () => undefined,
      setInterval: () => 0,
      clearInterval: () => undefined,
    };
    const model = new FakeModel();
    const sink = new RecordingSink(clock);
    new Room({ cast: [{ name: 'Mara', model }], sink, clock });
    model.speak('r1', 800);
    now = 30; // 10 ms late: catch up at once
    pending.shift()?.fn();
    expect(pending.at(-1)?.delay).toBe(10);
    now = 600; // the process stalled for about half a second
    pending.shift()?.fn();
    expect(pending.at(-1)?.delay).toBe(20); // back on a 20 ms rhythm, not 27 frames at once
    expect(sink.audio().map((f) => f.at)).toEqual([0, 30, 600]);
  });

  it('end(): no frame after it, and no timer left', () => {
    const { model, sink, clock, room } = setupRoom();
    model.speak('r1', 1000);
    clock.advance(100);
    room.end('left');
    const sent = sink.frames.length;
    clock.advance(1000);
    expect(sink.frames).toHaveLength(sent);
    expect(clock.pendingTimers).toBe(0);
    model.speak('r2', 1000);
    expect(sink.frames).toHaveLength(sent);
  });

  it('hands frames in the sink’s format, saying their rate and channel count', () => {
    const { model, sink, clock } = setupRoom({}, { output: { sampleRate: 48_000, channels: 2 } });
    model.stream('r1', tone(200, 300));
    model.finish('r1');
    clock.advance(1000);
    const audio = sink.audio('r1');
    expect(audio.length).toBeGreaterThanOrEqual(10);
    expect(audio.every((f) => f.samples === 1920 && f.sampleRate === 48_000 && f.channels === 2)).toBe(true);
    expect(sink.silence().every((f) => f.samples === 1920 && f.channels === 2)).toBe(true);
  });

  it('reports each reply’s start latency: first model audio → first frame played', () => {
    const { model, clock, events } = setupRoom({ preRollFrames: 3 });
    model.speak('r1', 20);
    clock.advance(35);
    model.speak('r1', 40);
    expect(events.replyStarted).toEqual([{ responseId: 'r1', character: 'Mara', ms: 35 }]);
  });
});
