// Shared set-up for the scene's unit tests: a room playing a three-character scene on a manual
// clock, fake model sessions opened on demand, a recording sink, and helpers in the scene's terms
// (a player says something, a character replies).
import { ManualClock } from '../../testing/manual-clock.ts';
import type { FakeModel } from '../../testing/room-fakes.ts';
import { RecordingSink } from '../../testing/room-fakes.ts';
import { FakeSceneSessions } from '../../testing/scene-fakes.ts';
import type { AllRoomEvents } from '../cast-driver.ts';
import { Room } from '../room.ts';
import type { RoomTuning } from '../room-options.ts';
import { frame, VOICE } from '../room-test-kit.ts';
import type { SceneCharacter, SceneOptions } from './scene-types.ts';

export const MARA: SceneCharacter = { id: 'mara', name: 'Mara', aliases: ['captain', '玛拉'] };
export const BRANNOC: SceneCharacter = { id: 'brannoc', name: 'Brannoc' };
export const IRIS: SceneCharacter = { id: 'iris', name: 'Iris' };

type Recorded = { [K in keyof AllRoomEvents]: AllRoomEvents[K][0][] };

/** Lets promise callbacks (sessions opening) run. */
export const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function setupScene(scene: Partial<SceneOptions> = {}, tuning: Partial<RoomTuning> = {}) {
  const clock = new ManualClock();
  const sessions = new FakeSceneSessions();
  const sink = new RecordingSink(clock);
  const optedOut = new Set<string>();
  const room = new Room({
    scene: { characters: [MARA, BRANNOC, IRIS], sessions, ...scene },
    sink,
    clock,
    isOptedOut: (id) => optedOut.has(id),
    tuning: { bargeInMinSpeechMs: 200, ...tuning },
  });
  const events = {
    transcript: [],
    usage: [],
    turn: [],
    inbound: [],
    replyStarted: [],
    bargeIn: [],
    ended: [],
    line: [],
    directed: [],
    sessionBudget: [],
  } as Recorded;
  for (const name of Object.keys(events) as (keyof AllRoomEvents)[])
    room.on(name, (...args: unknown[]) => (events[name] as unknown[]).push(args[0]));
  for (const [id, display] of [
    ['alice', 'Alice'],
    ['bob', 'Bob'],
  ] as const)
    room.addSpeaker(id, display);
  const scene_ = room.scene!;
  await scene_.ready();
  let turn = 0;
  let replies = 0;

  const model = (id: string): FakeModel => sessions.model(id);
  const live = () =>
    scene_
      .list()
      .filter((m) => m.live)
      .map((m) => m.id);

  /** `id` talks for `ms`, one 20 ms frame per 20 ms. */
  function talk(id: string, ms: number): void {
    for (let t = 0; t < ms; t += 20) {
      room.hear(id, frame(20, VOICE[id] ?? 999));
      clock.advance(20);
    }
  }

  /**
   * A player's whole turn: they talk and stop, every connected session commits it (as the server
   * would), and `transcriber` (default: the first connected) transcribes it as `text` (none: no transcript).
   */
  async function say(id: string, text: string | undefined, o: { ms?: number; transcriber?: string } = {}) {
    const hearers = live();
    talk(id, o.ms ?? 600);
    room.speakerStopped(id);
    const item = `u${turn++}`;
    for (const c of hearers) model(c).commit(`${item}_${c}`);
    const by = o.transcriber ?? hearers[0];
    if (text !== undefined && by) model(by).transcribe('user', `${item}_${by}`, text);
    await flush();
  }

  /** Character `id` replies: its response is created, streams `ms` of audio, finishes, and is transcribed. */
  function reply(id: string, text: string, ms = 400): string {
    const rid = `${id}_r${replies++}`;
    const m = model(id);
    m.created(rid);
    m.speak(rid, ms, { value: 500 + replies });
    m.finish(rid);
    m.transcribe('assistant', `item_${rid}`, text);
    return rid;
  }

  /** Reply requests a character's latest session received. */
  const asks = (id: string) => (sessions.models.has(id) ? model(id).count('response') : 0);

  return {
    clock,
    sessions,
    sink,
    room,
    scene: scene_,
    events,
    optedOut,
    model,
    live,
    talk,
    say,
    reply,
    asks,
  };
}

export type SceneKit = Awaited<ReturnType<typeof setupScene>>;
