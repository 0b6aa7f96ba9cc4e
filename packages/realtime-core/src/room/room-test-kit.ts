// Shared set-up for the room's unit tests: a room of one character on a manual clock, a fake
// model and a recording sink, and helpers that talk in milliseconds of wall time.
import { MODEL_RATE } from '../audio/frames.ts';
import { ManualClock } from '../testing/manual-clock.ts';
import { FakeModel, RecordingSink } from '../testing/room-fakes.ts';
import type { RoomEvents } from './ports.ts';
import { Room } from './room.ts';
import type { RoomOptions, RoomTuning, SpeakerFrame } from './room-options.ts';

export const CHARACTER = 'Mara';

/** Sample values that tell speakers' audio apart in what the model heard. */
// Each speaker's samples carry their value, all well above the speech gate (−50 dBFS ≈ 104).
export const VOICE: Record<string, number> = { alice: 1101, bob: 1202, carol: 1303, dan: 1404 };

export function frame(ms: number, value: number, sampleRate = MODEL_RATE, channels: 1 | 2 = 1): SpeakerFrame {
  return { pcm: new Int16Array(((sampleRate * ms) / 1000) * channels).fill(value), sampleRate, channels };
}

type Recorded = { [K in keyof RoomEvents]: RoomEvents[K][0][] };

export function setupRoom(tuning: Partial<RoomTuning> = {}, options: Partial<RoomOptions> = {}) {
  const clock = new ManualClock();
  const model = new FakeModel();
  const sink = new RecordingSink(clock);
  const optedOut = new Set<string>();
  const room = new Room({
    cast: [{ name: CHARACTER, model }],
    sink,
    clock,
    isOptedOut: (id) => optedOut.has(id),
    tuning,
    ...options,
  });
  const events: Recorded = {
    transcript: [],
    usage: [],
    turn: [],
    inbound: [],
    replyStarted: [],
    bargeIn: [],
    ended: [],
  };
  for (const name of Object.keys(events) as (keyof RoomEvents)[])
    room.on(name, (...args: unknown[]) => (events[name] as unknown[]).push(args[0]));
  for (const [id, display] of [
    ['alice', 'Alice'],
    ['bob', 'Bob'],
    ['carol', 'Carol'],
    ['dan', 'Dan'],
  ] as const)
    room.addSpeaker(id, display);
  const t0 = clock.now();

  /** `id` talks for `ms` of wall time, one 20 ms frame per 20 ms. */
  function talk(id: string, ms: number, frameMs = 20): void {
    for (let t = 0; t < ms; t += frameMs) {
      room.hear(id, frame(frameMs, VOICE[id] ?? 999));
      clock.advance(frameMs);
    }
  }

  /** Several speakers talk at once, frame by frame, for `ms`. */
  function together(ids: string[], ms: number): void {
    for (let t = 0; t < ms; t += 20) {
      for (const id of ids) room.hear(id, frame(20, VOICE[id] ?? 999));
      clock.advance(20);
    }
  }

  /**
   * A scene on a 20 ms grid: each part talks from `from` to `to` ms (relative to now), and its
   * transport reports the stop at `to` unless `stop` is false (frames just cease, as when they stop decoding).
   */
  function scene(parts: { id: string; from: number; to: number; stop?: boolean }[]): void {
    const end = Math.max(...parts.map((p) => p.to));
    for (let t = 0; t <= end; t += 20) {
      for (const p of parts) if (t === p.to && p.stop !== false) room.speakerStopped(p.id);
      for (const p of parts) if (t >= p.from && t < p.to) room.hear(p.id, frame(20, VOICE[p.id] ?? 999));
      if (t < end) clock.advance(20);
    }
  }

  /** Milliseconds of `id`'s voice in a stretch of model audio. */
  function msOf(samples: Int16Array, id: string): number {
    return (samples.filter((v) => v === VOICE[id]).length / MODEL_RATE) * 1000;
  }

  return { clock, model, sink, room, events, optedOut, t0, talk, together, scene, msOf };
}

export type RoomKit = ReturnType<typeof setupRoom>;
