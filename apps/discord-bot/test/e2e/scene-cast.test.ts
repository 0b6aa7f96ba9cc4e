// A three-character scene in one voice channel, end to end: the real bot (discord.js,
// @discordjs/voice under DAVE) against discord-sim, each character its own real session against
// realtime-sim. Characters are called by name in English and Chinese, unaddressed turns follow the
// mode, a line that calls another character gets its reaction, a barge-in stops whoever speaks,
// and what a listener hears is each character in its own voice, one at a time.
import { silentLogger } from '@troupe/discord/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ALICE_ID,
  type Harness,
  runCommand,
  startHarness,
  VOICE_CHANNEL_ID,
  XIAOMING_ID,
} from '../../src/demo/harness.ts';
import { recordVoices } from './listener-voices.ts';
import { LIN, LIU, type Lines, MARA, replies, say, scriptLines, settled } from './scene-helpers.ts';

const LINES = {
  lin: { ms: 700, text: 'Lin, how do I say good morning in Chinese?' },
  liu: { ms: 1000, text: '老柳，给我们讲个故事吧。' },
  mara: { ms: 1300, text: 'Captain Mara, where are we headed?' },
  anyone: { ms: 1600, text: 'So what happens next?' },
  react: { ms: 1900, text: 'Mara, ask the others what they think.' },
  stop: { ms: 2200, text: 'Wait, wait, hold on!' },
} satisfies Lines;

let h: Harness;
let ears: ReturnType<typeof recordVoices>;

beforeAll(async () => {
  h = await startHarness({ logger: silentLogger(), realtimeOptions: { replyMs: 1200 } });
  scriptLines(h, LINES);
  // The captain, asked to consult the others, calls on 老柳 by name.
  h.realtime.script.reply = (r) =>
    r.voice === MARA && r.heardText === LINES.react.text ? '老柳，你怎么看？' : undefined;
  await h.discord.joinVoice(ALICE_ID, VOICE_CHANNEL_ID);
  await h.discord.joinVoice(XIAOMING_ID, VOICE_CHANNEL_ID);
  ears = recordVoices(h.discord, XIAOMING_ID, [MARA, LIU, LIN]);
  await runCommand(h, 'Alice', 'join', undefined, { persona: 'captain-mara' });
  await settled(h, 'Alice');
  expect((await runCommand(h, 'Alice', 'scene', 'add', { persona: 'shuoshu-ren' })).content).toContain(
    '**说书人 老柳** joined the scene',
  );
  await runCommand(h, '小明', 'scene', 'add', { persona: 'study-buddy-lin' });
  await settled(h, 'Alice');
}, 60_000);

afterAll(async () => {
  ears?.stop();
  await h?.close();
});

/** `user` says `line`; the voices of the replies it gets once `n` have finished and the scene is quiet. */
async function turn(user: string, line: { ms: number }, n = 1): Promise<string[]> {
  const from = h.realtime.responses.length;
  await say(h, user, line);
  await replies(h, from, n);
  await settled(h, 'Alice');
  return h.realtime.responses.slice(from).map((r) => r.voice);
}

describe('a three-character scene', () => {
  it('answers the character called by name, in English and in Chinese', async () => {
    const list = (await runCommand(h, 'Alice', 'scene', 'list')).content;
    expect(list).toMatch(
      /Captain Mara Voss\*\* `captain-mara` — lead[\s\S]*说书人 老柳[\s\S]*Lin the Study Buddy/,
    );
    expect(await turn(ALICE_ID, LINES.lin)).toEqual([LIN]);
    expect(await turn(XIAOMING_ID, LINES.liu)).toEqual([LIU]);
    expect(await turn(ALICE_ID, LINES.mara)).toEqual([MARA]);
    // Each answer knew who it answered: the speaker's label came right before the audio.
    const answered = h.realtime.responses.slice(-3).map((r) => [r.labels, r.heardText]);
    expect(answered).toEqual([
      [['Alice'], LINES.lin.text],
      [['小明'], LINES.liu.text],
      [['Alice'], LINES.mara.text],
    ]);
  });

  it('gives unaddressed turns by the mode: the lead, then round-robin in cast order', async () => {
    expect(await turn(ALICE_ID, LINES.anyone)).toEqual([MARA]);
    const mode = await runCommand(h, 'Alice', 'scene', 'mode', { mode: 'round-robin' });
    expect(mode.content).toContain('round-robin');
    const order = [];
    for (let k = 0; k < 3; k++) order.push(...(await turn(ALICE_ID, LINES.anyone)));
    expect(order).toEqual([LIU, LIN, MARA]);
    await runCommand(h, 'Alice', 'scene', 'mode', { mode: 'lead' });
  });

  it('lets a character called by another react, within the bound of two lines per turn', async () => {
    const voices = await turn(ALICE_ID, LINES.react, 2);
    expect(voices).toEqual([MARA, LIU]);
    const reaction = h.realtime.responses.at(-1);
    // 老柳 answers the captain's line, which reached his session as her labelled line.
    expect(reaction?.labels).toEqual([]);
    const liuSession = h.realtime.sessions.filter((s) => s.config.voice === LIU && !s.closed).at(-1);
    expect(liuSession?.items.some((i) => i.text === '[Captain Mara Voss] 老柳，你怎么看？')).toBe(true);
  });

  it('stops whoever speaks when a player talks over it', async () => {
    const from = h.realtime.responses.length;
    const before = h.discord
      .listener(XIAOMING_ID)
      .heard()
      .packets.filter((p) => !p.silence).length;
    await say(h, ALICE_ID, LINES.liu);
    await h.discord.listener(XIAOMING_ID).waitForPackets(before + 8, 15_000);
    await say(h, XIAOMING_ID, LINES.stop);
    const [stopped] = await replies(h, from, 2);
    await settled(h, 'Alice');
    expect(stopped?.voice).toBe(LIU);
    expect(stopped?.truncatedAtMs).toBeDefined();
    // What was heard of 老柳's line: less than its whole length (1.2 s = 60 packets).
    expect(stopped!.truncatedAtMs! / stopped!.audioMs).toBeLessThan(0.9);
    // The interruption is answered (by the lead: nobody was called).
    expect(h.realtime.responses.slice(from + 1).map((r) => [r.voice, r.heardText])).toContainEqual([
      MARA,
      LINES.stop.text,
    ]);
  });

  it('is heard by a listener in each character’s own voice, never two at once', () => {
    const runs = ears.runs();
    const voiced = runs.filter((r) => r.voice !== undefined);
    expect(voiced.length).toBeGreaterThanOrEqual(10);
    expect(new Set(voiced.map((r) => r.voice))).toEqual(new Set([MARA, LIU, LIN]));
    // One voice at a time: nothing unattributable but a single window where one reply follows another.
    expect(runs.filter((r) => r.voice === undefined && !(r.between && r.windows === 1))).toEqual([]);
    // One stream: each stretch ends before the next begins.
    const all = ears.stretches();
    for (let k = 1; k < all.length; k++) expect(all[k]!.startMs).toBeGreaterThanOrEqual(all[k - 1]!.endMs);
  });
});
