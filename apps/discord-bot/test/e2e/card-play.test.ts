// Character cards as written, through the real bot: `/persona import` of the real V2 fixture card
// (JSON) and of a V3 card embedded in a PNG (built here from the fixture JSON), then played in
// voice. What the model receives is read from realtime-sim: the instructions in force for each
// reply (`{{user}}` is the speaker being answered, `{{char}}` the character — the V3 nickname when
// the card has one), a lorebook entry's content once its key has been spoken and not before, one
// greeting (first_mes or an alternate) per join, and the V3 nickname calling its character in a scene.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { silentLogger } from '@troupe/discord/testing';
import type { SimAttachment } from '@troupe/discord-sim';
import type { SimResponseLog } from '@troupe/realtime-sim';
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
import { cardPng } from './card-png.ts';
import { MARA, replies, say, settled } from './scene-helpers.ts';

const FIXTURES = resolve(import.meta.dirname, '../../../../packages/realtime-core/src/persona/card/fixtures');
const ferrymanJson = readFileSync(resolve(FIXTURES, 'v2-ferryman.json'));
const navigator = JSON.parse(readFileSync(resolve(FIXTURES, 'v3-navigator.json'), 'utf8'));
const FERRYMAN_VOICE = 'wenrounansheng';
const NAVIGATOR_VOICE = 'elegantgentle-female';

const LANTERN = "Brannoc's lantern burns green near the drowned";
const COMPASS = 'The compass points to whatever Izzy wants most.';

let h: Harness;
/** What each speaker's next turn says (the model transcribes a turn by the speaker's label). */
const saying = new Map<string, string>();

beforeAll(async () => {
  h = await startHarness({ logger: silentLogger(), realtimeOptions: { replyMs: 800 } });
  h.realtime.script.transcribe = (heard) => saying.get(heard.labels.at(-1) ?? '');
  await h.discord.joinVoice(ALICE_ID, VOICE_CHANNEL_ID);
  await h.discord.joinVoice(XIAOMING_ID, VOICE_CHANNEL_ID);
}, 60_000);

afterAll(async () => {
  await h?.close();
});

async function importCard(card: SimAttachment, voice: string): Promise<string> {
  const handle = await h.discord.slash({ user: 'Admin', guild: GUILD_ID }, 'persona', {
    subcommand: 'import',
    attachments: { card },
    options: { voice },
  });
  await handle.edited(1, 15_000);
  return handle.content ?? '';
}

/** `user` says `text`; the reply to it, once finished and heard. */
async function turn(user: string, text: string): Promise<SimResponseLog> {
  saying.set(user === ALICE_ID ? 'Alice' : '小明', text);
  const from = h.realtime.responses.length;
  await say(h, user, { ms: 800 });
  const [reply] = await replies(h, from, 1);
  await settled(h, 'Alice');
  return reply!;
}

/** `/join persona` and the greeting that follows it. */
async function join(persona: string): Promise<SimResponseLog> {
  const from = h.realtime.responses.length;
  await runCommand(h, 'Alice', 'join', undefined, { persona });
  const [greeting] = await replies(h, from, 1);
  await settled(h, 'Alice');
  return greeting!;
}

describe('a V2 card (JSON) as written', () => {
  const card = JSON.parse(ferrymanJson.toString('utf8')).data;
  /** The card's greetings as the greeting prompt renders them (`{{user}}`: everyone present). */
  const greetings = [card.first_mes, ...card.alternate_greetings].map((g: string) =>
    g.replaceAll('{{user}}', 'everyone').replaceAll('{{char}}', 'Brannoc'),
  );
  const greetingsIn = (instructions: string) => greetings.filter((g) => instructions.includes(g));

  it('imports through /persona import with the chosen voice', async () => {
    const file = h.discord.attachment('brannoc.json', ferrymanJson, 'application/json');
    const reply = await importCard(file, FERRYMAN_VOICE);
    expect(reply).toContain('Imported **Brannoc** as `brannoc`');
    expect(reply).toContain(FERRYMAN_VOICE);
  });

  it('greets with one of first_mes and alternate_greetings on each join', async () => {
    for (let k = 0; k < 3; k++) {
      if (k > 0) await runCommand(h, 'Alice', 'leave');
      const greeting = await join('brannoc');
      expect(greeting.voice).toBe(FERRYMAN_VOICE);
      expect(greetingsIn(greeting.instructions)).toHaveLength(1);
    }
  });

  it('resolves {{user}} to the speaker answered and {{char}} to the character', async () => {
    const toAlice = await turn(ALICE_ID, 'Hello there, is this the boat?');
    expect(toAlice.labels).toEqual(['Alice']);
    expect(toAlice.instructions).toContain('Brannoc is an old ferryman');
    expect(toAlice.instructions).toContain('he calls Alice "passenger"');
    expect(toAlice.instructions).toContain('Scenario: Alice waits on the misty jetty');
    const toXiaoming = await turn(XIAOMING_ID, '你好，船家。');
    expect(toXiaoming.instructions).toContain('he calls 小明 "passenger"');
    expect(toXiaoming.instructions).not.toContain('calls Alice');
    for (const r of [toAlice, toXiaoming]) expect(r.instructions).not.toMatch(/\{\{(user|char)\}\}/i);
  });

  it('inserts a lorebook entry once its key is spoken, and not before', async () => {
    const played = () => h.realtime.responses.filter((r) => r.voice === FERRYMAN_VOICE);
    expect(played().length).toBeGreaterThanOrEqual(5);
    expect(played().filter((r) => r.instructions.includes(LANTERN))).toEqual([]);
    // Server VAD answers a turn before its transcript exists: the entry is there from the next reply.
    await turn(XIAOMING_ID, 'Why does your lantern glow green?');
    const next = await turn(ALICE_ID, 'And what happens now?');
    expect(next.instructions).toContain(LANTERN);
    // Its recursion reaches the marsh entry; the disabled entry never fires.
    expect(next.instructions).toContain('The drowned marsh swallows boats');
    expect(next.instructions).not.toContain('The toll doubled');
    await runCommand(h, 'Alice', 'leave');
  });
});

describe('a V3 card in a PNG, in a scene', () => {
  it('imports the ccv3 chunk through /persona import', async () => {
    const png = cardPng(navigator);
    const reply = await importCard(h.discord.attachment('izzy.png', png, 'image/png'), NAVIGATOR_VOICE);
    expect(reply).toContain('Imported **Isolde Varga** as `isolde-varga`');
  });

  it('answers to its nickname, with {{char}} as the nickname and lore when its key is spoken', async () => {
    await join('captain-mara');
    await runCommand(h, 'Alice', 'scene', 'add', { persona: 'isolde-varga' });
    await settled(h, 'Alice');
    const first = await turn(ALICE_ID, 'Izzy, where are we headed?');
    expect(first.voice).toBe(NAVIGATOR_VOICE);
    expect(first.instructions).toContain('Izzy is the navigator of the airship Kestrel');
    expect(first.instructions).toContain('fiercely loyal to Alice');
    expect(first.instructions).not.toContain('compass');
    const captain = await turn(XIAOMING_ID, '船长，我们还有多少补给？');
    expect(captain.voice).toBe(MARA);
    // The scene waits for a turn's words before it asks for the reply: the entry answers that turn.
    const lore = await turn(XIAOMING_ID, 'Izzy, 你的 compass 还准吗？');
    expect(lore.voice).toBe(NAVIGATOR_VOICE);
    expect(lore.instructions).toContain('fiercely loyal to 小明');
    expect(lore.instructions).toContain(COMPASS);
    const izzy = h.realtime.responses.filter((r) => r.voice === NAVIGATOR_VOICE);
    expect(izzy.filter((r) => r.instructions.includes(COMPASS))).toEqual([lore]);
  });
});
