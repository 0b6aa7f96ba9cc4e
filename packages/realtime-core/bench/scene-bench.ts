// What an ensemble scene costs. Counts from a scripted three-character scene on the manual clock
// (model sessions, speaker audio sent to the models per second of speech, text items and restored
// characters), and CPU: addressing a transcript, and the room's work per 20 ms speaker frame with
// three connected characters against one. Human tables plus one JSON line each.
import { MODEL_RATE } from '../src/audio/frames.ts';
import { AddressBook, loadPinyin, Room, type SceneOptions, type ScenePort } from '../src/index.ts';
import { ManualClock } from '../src/testing/manual-clock.ts';
import { RecordingSink } from '../src/testing/room-fakes.ts';
import { FakeSceneSessions } from '../src/testing/scene-fakes.ts';
import { type Candidate, printTable, timeInterleaved } from './harness.ts';

const CAST = [
  { id: 'mara', name: 'Mara', aliases: ['captain'] },
  { id: 'brannoc', name: 'Brannoc' },
  { id: 'iris', name: 'Iris' },
];
const TURNS = 12;
const SPEECH_MS = 3000;
const REPLY_MS = 4000;

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Plays TURNS player turns (every other one addressed, round the cast) and counts what reached the models. */
async function scriptedScene(scene: Partial<SceneOptions>) {
  const clock = new ManualClock();
  const sessions = new FakeSceneSessions();
  const room = new Room({
    scene: { characters: CAST, sessions, ...scene },
    sink: new RecordingSink(clock),
    clock,
    tuning: { usageFlushMs: 3_600_000 },
  });
  await room.scene!.ready();
  room.addSpeaker('u', 'Ana');
  const frame = {
    pcm: new Int16Array(MODEL_RATE / 50).fill(300),
    sampleRate: MODEL_RATE,
    channels: 1 as const,
  };
  let replies = 0;
  const answered = new Map<object, number>();
  for (let t = 0; t < TURNS; t++) {
    const hearers = room
      .scene!.list()
      .filter((m) => m.live)
      .map((m) => m.id);
    for (let ms = 0; ms < SPEECH_MS; ms += 20) {
      room.hear('u', { ...frame, pcm: frame.pcm.slice() });
      clock.advance(20);
    }
    room.speakerStopped('u');
    const who = CAST[t % 3]!;
    for (const id of hearers) sessions.model(id).commit(`t${t}_${id}`);
    const text = t % 2 ? `${who.name}, what do you think?` : 'And then what happened?';
    sessions.model(hearers[0]!).transcribe('user', `t${t}_${hearers[0]}`, text);
    await flush();
    clock.advance(1300);
    await flush();
    // Every character asked replies (the director asks one at a time; a reaction comes after).
    for (let round = 0; round < 3; round++) {
      for (const [id, m] of sessions.models) {
        while ((answered.get(m) ?? 0) < m.count('response')) {
          answered.set(m, (answered.get(m) ?? 0) + 1);
          const rid = `r${replies++}`;
          m.created(rid);
          m.speak(rid, REPLY_MS);
          m.finish(rid);
          m.transcribe('assistant', `item_${rid}`, `${id} says something about the river and the night.`);
        }
      }
      clock.advance(REPLY_MS + 200);
      await flush();
    }
  }
  const usage = room.status().usage;
  let items = 0;
  let chars = 0;
  for (const m of sessions.models.values())
    for (const c of m.calls)
      if (c.type === 'text') {
        items++;
        chars += c.text.length;
      }
  room.end('left');
  return {
    sessionsOpened: sessions.opened.length,
    maxConcurrent: sessions.maxOpen,
    inputAudioPerSpeechSecond: usage.inputAudioMs / (TURNS * SPEECH_MS),
    textItemsPerTurn: items / TURNS,
    textCharsPerTurn: chars / TURNS,
  };
}

/** A model port that does nothing: the room's own cost, without a fake's bookkeeping. */
class NullPort implements ScenePort {
  appendAudio(): void {}
  clear(): void {}
  commit(): void {}
  addText(): void {}
  createResponse(): void {}
  cancelResponse(): void {}
  truncate(): void {}
  on(): this {
    return this;
  }
  off(): this {
    return this;
  }
}

async function frameCost(): Promise<Map<string, number>> {
  const make = async (characters: number) => {
    const clock = new ManualClock();
    const room = new Room({
      scene: {
        characters: CAST.slice(0, characters),
        sessions: { open: async () => new NullPort(), close() {} },
        eager: true,
      },
      sink: new RecordingSink(clock),
      clock,
    });
    await room.scene!.ready();
    room.addSpeaker('u', 'Ana');
    return { room, clock };
  };
  const one = await make(1);
  const three = await make(3);
  const clock = new ManualClock();
  const solo = new Room({
    cast: [{ name: 'Mara', model: new NullPort() }],
    sink: new RecordingSink(clock),
    clock,
  });
  solo.addSpeaker('u', 'Ana');
  const pcm = new Int16Array(960 * 2).fill(300);
  const hear = (r: { room: Room; clock: ManualClock }) => () => {
    r.room.hear('u', { pcm, sampleRate: 48_000, channels: 2 });
    r.clock.advance(20);
  };
  const candidates: Candidate[] = [
    { name: 'room.hear, one character (server VAD)', run: hear({ room: solo, clock }) },
    { name: 'room.hear, scene of 1', run: hear(one) },
    { name: 'room.hear, scene of 3 (all connected)', run: hear(three) },
  ];
  return timeInterleaved(candidates, 500, 9);
}

function addressingCost(): Map<string, number> {
  const book = new AddressBook(
    CAST.map((c) => ({ id: c.id, names: [c.name, ...(c.aliases ?? [])] })),
    ['Ana', 'Ben'],
  );
  const en = 'I think we should cross before the fog comes in, what do you say, Brannock?';
  const zh = '我觉得我们应该在起雾之前过河，玛拉你怎么看？';
  return timeInterleaved(
    [
      { name: 'address book: English sentence', run: () => book.find(en) },
      { name: 'address book: Chinese sentence (pinyin)', run: () => book.find(zh) },
    ],
    200,
    9,
  );
}

export async function runSceneBench(): Promise<void> {
  await loadPinyin();
  const lazy = await scriptedScene({});
  const eager = await scriptedScene({ eager: true });
  const budget2 = await scriptedScene({ maxLiveSessions: 2 });
  const rows = [
    ['lazy (default)', lazy],
    ['eager', eager],
    ['lazy, 2 sessions at most', budget2],
  ] as const;
  printTable(
    `Scene cost: 3 characters, ${TURNS} player turns of ${SPEECH_MS / 1000} s, half addressed by name`,
    [
      'connect',
      'sessions opened',
      'max at once',
      'model input s per speech s',
      'text items/turn',
      'text chars/turn',
    ],
    rows.map(([name, r]) => [
      name,
      String(r.sessionsOpened),
      String(r.maxConcurrent),
      r.inputAudioPerSpeechSecond,
      r.textItemsPerTurn,
      r.textCharsPerTurn,
    ]),
  );
  const cpu = new Map([...(await frameCost()), ...addressingCost()]);
  printTable(
    'Scene CPU',
    ['operation', 'µs', 'per core/s'],
    [...cpu].map(([name, us]) => [name, us, String(Math.floor(1e6 / us))]),
  );
  console.log(
    JSON.stringify({
      bench: 'scene',
      costs: { lazy, eager, budget2 },
      unit: 'us',
      cpu: Object.fromEntries(cpu),
    }),
  );
}
