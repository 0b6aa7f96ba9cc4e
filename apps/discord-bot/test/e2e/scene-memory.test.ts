// Scene memory end to end: the real bot on the emulators with a real SQLite file. What is said in
// a channel is stored per channel and character (never an opted-out member's words); a character
// that comes back — after /leave and /join, after its session hit the provider's length limit, in
// a scene, after the bot restarted on the same file — finds the last part of the scene in its new
// model session (read from what realtime-sim's session received as conversation items);
// `/voice forget` erases it and the next join restores nothing.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { silentLogger } from '@troupe/discord/testing';
import type { SimSessionLog } from '@troupe/realtime-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ALICE_ID,
  GUILD_ID,
  type Harness,
  runCommand,
  startHarness,
  VOICE_CHANNEL_ID,
  XIAOMING_ID,
} from '../../src/demo/harness.ts';
import { LIU, type Lines, MARA, replies, say, settled } from './scene-helpers.ts';

const LINES = {
  map: { ms: 700, text: 'The map is hidden under the old lighthouse.' },
  secret: { ms: 1000, text: '我的秘密是一把蓝色的钥匙。' },
  secretAgain: { ms: 1300, text: '我再说一次：蓝色的钥匙在井里。' },
  fog: { ms: 1600, text: 'Remember to ask the ferryman about the fog.' },
  liu: { ms: 1900, text: '老柳，讲讲那座灯塔的故事吧。' },
} satisfies Lines;
/**
 * What each speaker's turn says: the line they were last given. A single character's session
 * ends turns with server VAD, whose padding makes a turn's length a poor key; the speaker's label,
 * which the bot sends before the audio, is exact (and every session of a scene agrees on it).
 */
const saying = new Map<string, string>();
/** What the characters answer: their own words, naming the line they answer (never repeating it). */
function answer(voice: string, heard: string): string {
  const key = Object.entries(LINES).find(([, l]) => l.text === heard)?.[0] ?? 'unknown';
  return `${voice === LIU ? '老柳' : 'Mara'} answers the ${key} line.`;
}

const dir = mkdtempSync(join(tmpdir(), 'troupe-scene-memory-'));
const dbPath = join(dir, 'troupe.sqlite');
let h: Harness;

async function boot(): Promise<Harness> {
  const world = await startHarness({ logger: silentLogger(), dbPath, realtimeOptions: { replyMs: 800 } });
  world.realtime.script.transcribe = (heard) => saying.get(heard.labels.at(-1) ?? '');
  world.realtime.script.reply = (r) => (r.heardText ? answer(r.voice, r.heardText) : undefined);
  await world.discord.joinVoice(ALICE_ID, VOICE_CHANNEL_ID);
  await world.discord.joinVoice(XIAOMING_ID, VOICE_CHANNEL_ID);
  return world;
}

beforeAll(async () => {
  h = await boot();
}, 60_000);

afterAll(async () => {
  await h?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** `user` says `line` and the reply to it has finished. */
async function turn(user: string, line: { ms: number; text: string }): Promise<void> {
  const from = h.realtime.responses.length;
  await speak(user, line);
  await replies(h, from, 1);
  await settled(h, 'Alice');
}

/** `user` says `line` (its words are what the model will transcribe). */
async function speak(user: string, line: { ms: number; text: string }): Promise<void> {
  saying.set(user === ALICE_ID ? 'Alice' : '小明', line.text);
  await say(h, user, line);
}

/** The stored lines of the channel, as the SQLite file holds them. */
function storedRows(): { character_id: string; speaker_id: string; speaker_kind: string; text: string }[] {
  const db = new DatabaseSync(dbPath, { readOnly: true });
  try {
    return db
      .prepare(
        'SELECT character_id, speaker_id, speaker_kind, text FROM scene_lines WHERE guild_id = ? AND channel_id = ? ORDER BY seq',
      )
      .all(GUILD_ID, VOICE_CHANNEL_ID) as never;
  } finally {
    db.close();
  }
}

/** The newest open session of `voice` opened after the first `after` sessions. */
function sessionOf(voice: string, after: number): SimSessionLog | undefined {
  return h.realtime.sessions
    .slice(after)
    .filter((s) => s.config.voice === voice && !s.closed)
    .at(-1);
}

/** Waits for a session of `voice` (opened after `after`) whose items satisfy `ok`; its items' texts. */
async function restoredInto(voice: string, after: number, ok: (texts: string[]) => boolean) {
  const s = await h.realtime.waitFor(() => {
    const found = sessionOf(voice, after);
    return found && ok(found.items.map((i) => i.text)) ? found : undefined;
  }, 20_000);
  return s.items.map((i) => ({ role: i.role, text: i.text }));
}

const said = (line: { text: string }) => `[Alice] ${line.text}`;
const heardSecret = (texts: string[]) => texts.some((t) => t.includes('蓝色'));

describe('scene memory', () => {
  it('stores the lines per channel and character, never an opted-out member’s', async () => {
    await runCommand(h, 'Alice', 'join', undefined, { persona: 'captain-mara' });
    await settled(h, 'Alice');
    await turn(ALICE_ID, LINES.map);
    await turn(XIAOMING_ID, LINES.secret);
    // Stored while 小明 took part…
    await h.realtime.waitFor(() => storedRows().some((r) => r.speaker_id === XIAOMING_ID));
    expect((await runCommand(h, '小明', 'voice', 'optout')).content).toContain('will not be sent');
    // …erased when he opts out, and heard by nobody from then on: the model gets no audio from 小明, and nothing of his is kept.
    await speak(XIAOMING_ID, LINES.secretAgain);
    await turn(ALICE_ID, LINES.fog);
    const rows = await h.realtime.waitFor(() => {
      const r = storedRows();
      return r.some((x) => x.text === answer(MARA, LINES.fog.text)) ? r : undefined;
    });
    const mara = rows.filter((r) => r.character_id === 'captain-mara');
    expect(mara.map((r) => [r.speaker_kind, r.text])).toEqual(
      expect.arrayContaining([
        ['member', LINES.map.text],
        ['character', answer(MARA, LINES.map.text)],
        ['member', LINES.fog.text],
        ['character', answer(MARA, LINES.fog.text)],
      ]),
    );
    expect(rows.every((r) => r.character_id === 'captain-mara')).toBe(true);
    expect(rows.filter((r) => r.speaker_id === XIAOMING_ID)).toEqual([]);
    expect(heardSecret(rows.map((r) => r.text))).toBe(false);
    expect(h.realtime.responses.filter((r) => r.heardText === LINES.secretAgain.text)).toEqual([]);
  });

  it('restores the last part of the scene when the character returns after /leave and /join', async () => {
    await runCommand(h, 'Alice', 'leave');
    const before = h.realtime.sessions.length;
    await runCommand(h, 'Alice', 'join', undefined, { persona: 'captain-mara' });
    const items = await restoredInto(MARA, before, (t) => t.includes(said(LINES.fog)));
    expect(items).toEqual(
      expect.arrayContaining([
        { role: 'user', text: said(LINES.map) },
        { role: 'assistant', text: answer(MARA, LINES.map.text) },
        { role: 'user', text: said(LINES.fog) },
        { role: 'assistant', text: answer(MARA, LINES.fog.text) },
      ]),
    );
    // In the order it was said, and nothing of the opted-out member's.
    const texts = items.map((i) => i.text);
    expect(texts.indexOf(said(LINES.map))).toBeLessThan(texts.indexOf(said(LINES.fog)));
    expect(heardSecret(texts)).toBe(false);
    await settled(h, 'Alice');
  });

  it('restores it when the session hits its length limit and is replaced', async () => {
    const before = h.realtime.sessions.length;
    h.realtime.faults.expireSessions();
    const items = await restoredInto(MARA, before, (t) => t.includes(said(LINES.fog)));
    expect(items.map((i) => i.text)).toEqual(expect.arrayContaining([said(LINES.map), said(LINES.fog)]));
    await settled(h, 'Alice');
  });

  it('restores each character of a scene when their sessions are replaced', async () => {
    expect((await runCommand(h, 'Alice', 'scene', 'add', { persona: 'shuoshu-ren' })).content).toContain(
      'joined the scene',
    );
    await settled(h, 'Alice');
    await turn(ALICE_ID, LINES.liu);
    const before = h.realtime.sessions.length;
    h.realtime.faults.expireSessions();
    const mara = await restoredInto(MARA, before, (t) => t.includes(said(LINES.liu)));
    const liu = await restoredInto(LIU, before, (t) => t.includes(said(LINES.liu)));
    // The captain remembers the earlier scene too; the storyteller its own answer as its own.
    expect(mara.map((i) => i.text)).toEqual(expect.arrayContaining([said(LINES.map), said(LINES.fog)]));
    expect(liu).toContainEqual({ role: 'assistant', text: answer(LIU, LINES.liu.text) });
    expect(storedRows().filter((r) => r.character_id === 'shuoshu-ren').length).toBeGreaterThanOrEqual(2);
    await settled(h, 'Alice');
  });

  it('restores it after the bot restarts on the same SQLite file', async () => {
    await h.close();
    h = await boot();
    await runCommand(h, 'Alice', 'join', undefined, { persona: 'captain-mara' });
    const items = await restoredInto(MARA, 0, (t) => t.includes(said(LINES.liu)));
    const texts = items.map((i) => i.text);
    expect(texts).toEqual(expect.arrayContaining([said(LINES.map), said(LINES.fog), said(LINES.liu)]));
    expect(heardSecret(texts)).toBe(false);
    await settled(h, 'Alice');
  });

  it('forgets the channel on /voice forget: the next join restores nothing', async () => {
    await runCommand(h, 'Alice', 'leave');
    const stored = storedRows().length;
    expect(stored).toBeGreaterThan(0);
    const forgot = await runCommand(h, 'Admin', 'voice', 'forget', { channel: VOICE_CHANNEL_ID });
    expect(forgot.content).toContain(`Erased the scene memory of <#${VOICE_CHANNEL_ID}> (${stored} lines)`);
    expect(storedRows()).toEqual([]);
    const before = h.realtime.sessions.length;
    await runCommand(h, 'Alice', 'join', undefined, { persona: 'captain-mara' });
    await settled(h, 'Alice');
    const session = sessionOf(MARA, before);
    expect(session).toBeDefined();
    expect(session!.items.filter((i) => i.text.startsWith('[Alice]'))).toEqual([]);
    expect(session!.items.filter((i) => i.text.startsWith('Mara answers'))).toEqual([]);
  });
});
