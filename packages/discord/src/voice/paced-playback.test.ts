import { ManualClock } from '@troupe/realtime-core/testing';
import { describe, expect, it } from 'vitest';
import { PacedPlayback, type PlaybackReport } from './paced-playback.ts';
import { createPlaybackEncoder, ReplyAudio } from './reply-audio.ts';

const SILENCE_HEX = 'f8fffe';

/** A connection that records what it was asked to send, and when. */
function sink(clock: ManualClock) {
  const sent: { at: number; silence: boolean }[] = [];
  const speaking: boolean[] = [];
  return {
    sent,
    speaking,
    playOpusPacket(packet: Buffer) {
      sent.push({ at: clock.now(), silence: packet.toString('hex') === SILENCE_HEX });
    },
    setSpeaking(on: boolean) {
      speaking.push(on);
    },
  };
}

function reply(id: string, frames: number, complete = true): ReplyAudio {
  const r = new ReplyAudio(id, createPlaybackEncoder('mono24k'));
  r.pushAudio(Int16Array.from({ length: 480 * frames }, (_, i) => (i % 50) * 200));
  if (complete) r.finish();
  return r;
}

function setup() {
  const clock = new ManualClock();
  const out = sink(clock);
  const reports: PlaybackReport[] = [];
  const playback = new PacedPlayback(out, (r) => reports.push(r), { clock, maxMissedFrames: 10 });
  return { clock, out, reports, playback, t0: clock.now() };
}

describe('PacedPlayback', () => {
  it('sends the first packet at once, then one every 20 ms, then 5 silence frames and stops speaking', async () => {
    const { clock, out, reports, playback, t0 } = setup();
    playback.play(reply('r1', 4));
    expect(out.sent).toHaveLength(1);
    expect(out.sent[0]?.at).toBe(t0);
    clock.advance(200);
    await Promise.resolve();
    const audio = out.sent.filter((p) => !p.silence);
    expect(audio.map((p) => p.at - t0)).toEqual([0, 20, 40, 60]);
    expect(out.sent.filter((p) => p.silence)).toHaveLength(5);
    expect(out.speaking).toEqual([false]);
    expect(playback.status).toBe('idle');
    expect(reports.map((r) => [r.reply.responseId, r.packets, r.underruns, r.end])).toEqual([
      ['r1', 4, 0, 'done'],
    ]);
  });

  it('barge-in: not one more audio packet after stop(), and the report says what was heard', async () => {
    const { clock, out, reports, playback } = setup();
    playback.play(reply('r1', 50));
    clock.advance(60); // packets at 0, 20, 40, 60
    const [report] = playback.stop();
    const audioAtStop = out.sent.filter((p) => !p.silence).length;
    clock.advance(1000);
    await Promise.resolve();
    expect(report?.packets).toBe(4);
    expect(audioAtStop).toBe(4);
    expect(out.sent.filter((p) => !p.silence)).toHaveLength(4);
    expect(out.sent.filter((p) => p.silence)).toHaveLength(5);
    expect(reports[0]?.end).toBe('stopped');
  });

  it('an underrun sends silence and waits for the rest of the reply instead of dropping it', async () => {
    const { clock, out, reports, playback } = setup();
    const r = reply('r1', 3, false);
    playback.play(r);
    clock.advance(100); // 3 audio packets, then 2 empty ticks
    r.pushAudio(new Int16Array(480 * 2));
    r.finish();
    clock.advance(300);
    await Promise.resolve();
    expect(out.sent.filter((p) => !p.silence)).toHaveLength(5);
    expect(reports[0]).toMatchObject({ packets: 5, underruns: 3, end: 'done' });
  });

  it('gives up on a reply that delivers nothing for maxMissedFrames ticks', async () => {
    const { clock, reports, playback } = setup();
    playback.play(reply('r1', 1, false));
    clock.advance(1000);
    await Promise.resolve();
    expect(reports[0]).toMatchObject({ packets: 1, underruns: 10, end: 'stalled' });
    expect(playback.status).toBe('idle');
  });

  it('queues a second reply behind the first and plays it back to back on the same clock', async () => {
    const clock = new ManualClock();
    const out = sink(clock);
    const reports: PlaybackReport[] = [];
    const started: [string, number][] = [];
    const playback = new PacedPlayback(out, (r) => reports.push(r), {
      clock,
      onReplyStarted: (r) => started.push([r.responseId, clock.now()]),
    });
    const t0 = clock.now();
    playback.play(reply('r1', 3));
    playback.play(reply('r2', 2));
    expect(out.sent).toHaveLength(1); // r2 waits
    clock.advance(500);
    await Promise.resolve();
    const audio = out.sent.filter((p) => !p.silence);
    expect(audio.map((p) => p.at - t0)).toEqual([0, 20, 40, 60, 80]);
    expect(reports.map((r) => r.reply.responseId)).toEqual(['r1', 'r2']);
    expect(started).toEqual([
      ['r1', t0],
      ['r2', t0 + 60],
    ]);
  });

  it('stop() also drops queued replies, reporting them as unheard', () => {
    const { playback } = setup();
    playback.play(reply('r1', 10));
    playback.play(reply('r2', 10));
    const reports = playback.stop();
    expect(reports.map((r) => [r.reply.responseId, r.packets])).toEqual([
      ['r1', 1],
      ['r2', 0],
    ]);
    expect(reports.every((r) => r.reply.aborted)).toBe(true);
  });

  it('after a long stall resynchronises instead of bursting the backlog', () => {
    // A clock whose timers fire only when told to, at whatever time it is then (a blocked loop).
    let now = 0;
    const pending: { fn: () => void; delay: number }[] = [];
    const clock = {
      now: () => now,
      setTimeout: (fn: () => void, delay: number) => pending.push({ fn, delay }),
      clearTimeout: () => undefined,
    };
    const sent: number[] = [];
    const playback = new PacedPlayback(
      { playOpusPacket: () => sent.push(now), setSpeaking: () => undefined },
      () => undefined,
      { clock },
    );
    playback.play(reply('r1', 40));
    now = 30; // 10 ms late: catch up at once
    pending.shift()?.fn();
    expect(pending.at(-1)?.delay).toBe(10);
    now = 600; // the process stalled for ~half a second
    pending.shift()?.fn();
    expect(pending.at(-1)?.delay).toBe(20); // back on a 20 ms rhythm, not 27 immediate packets
    expect(sent).toEqual([0, 30, 600]);
  });

  it('close() stops everything: no packets, no timers', () => {
    const { clock, out, playback } = setup();
    playback.play(reply('r1', 10));
    playback.close();
    clock.advance(500);
    expect(out.sent).toHaveLength(1);
    expect(clock.pendingTimers).toBe(0);
  });
});
