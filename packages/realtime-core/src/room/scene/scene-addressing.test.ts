// A three-character scene answers the character a player addresses by name — in English, in
// Chinese, by nickname, through a recogniser's misspelling — and otherwise follows its mode.
import { describe, expect, it } from 'vitest';
import { setupScene } from './scene-test-kit.ts';

describe('scene: who answers a player', () => {
  it('connects only the lead at the start; every connected session hears the turn and commits it; none answers by itself', async () => {
    const { sessions, model, say, asks } = await setupScene();
    expect(sessions.opened).toEqual(['mara']);
    await say('alice', undefined);
    expect(model('mara').texts()).toEqual(['[Alice]']);
    expect(model('mara').count('commit')).toBe(1);
    expect(model('mara').audioMs).toBe(600);
    // No transcript yet: the director waits for it before anyone is asked.
    expect(asks('mara')).toBe(0);
  });

  it('the character addressed by name answers; it connects then and reads what it did not hear', async () => {
    const { sessions, model, say, asks, events } = await setupScene();
    await say('alice', 'Brannoc, how much for the crossing?');
    expect(sessions.opened).toEqual(['mara', 'brannoc']);
    expect(events.directed.at(-1)).toMatchObject({
      cause: 'player',
      speakers: ['brannoc'],
      reason: 'addressed',
      answering: 'Alice',
    });
    expect(model('brannoc').texts()).toEqual(['[Alice] Brannoc, how much for the crossing?']);
    expect(asks('brannoc')).toBe(1);
    expect(asks('mara')).toBe(0);
  });

  it.each([
    ['玛拉，你怎么看？', 'mara'],
    ['Captain, take us out.', 'mara'],
    ['Brannock, are you there?', 'brannoc'],
    ['Iris, what do you see?', 'iris'],
    ['hey iris what is that noise', 'iris'],
  ])('"%s" is answered by %s', async (text, who) => {
    const kit = await setupScene();
    await kit.say('alice', text);
    expect(kit.events.directed.at(-1)?.speakers).toEqual([who]);
    expect(kit.asks(who)).toBe(1);
  });

  it('a homophone of a Chinese name (ASR error) addresses its character', async () => {
    const kit = await setupScene();
    await kit.say('alice', '马拉，你听到了吗');
    expect(kit.events.directed.at(-1)).toMatchObject({ speakers: ['mara'], reason: 'addressed' });
  });

  it('two characters addressed together answer one after the other, the second once the first is heard', async () => {
    const { say, reply, asks, clock, sink, events, live, model } = await setupScene();
    await say('alice', 'Mara and Brannoc, what do you both say?');
    expect(events.directed.at(-1)?.speakers).toEqual(['mara', 'brannoc']);
    expect(asks('mara')).toBe(1);
    // Brannoc connects at once (so its turn has no connection delay) but is not asked yet.
    expect(live()).toEqual(['mara', 'brannoc']);
    expect(asks('brannoc')).toBe(0);
    const first = reply('mara', 'Aye.');
    clock.advance(300);
    expect(asks('brannoc')).toBe(0); // Mara is still being heard
    clock.advance(300);
    expect(asks('brannoc')).toBe(1);
    expect(model('brannoc').texts()).toEqual([
      '[Alice] Mara and Brannoc, what do you both say?',
      '[Mara] Aye.',
    ]);
    const second = reply('brannoc', 'Two coins.');
    clock.advance(1000);
    const order = sink.audio().map((f) => f.responseId);
    expect(order.filter((r) => r === first)).toHaveLength(20);
    expect(order.filter((r) => r === second)).toHaveLength(20);
    expect(order.lastIndexOf(first)).toBeLessThan(order.indexOf(second));
  });

  it('lead mode: an unaddressed turn goes to the lead', async () => {
    const kit = await setupScene({ mode: 'lead', lead: 'iris' });
    expect(kit.sessions.opened).toEqual(['iris']);
    await kit.say('alice', 'What a night.');
    expect(kit.events.directed.at(-1)).toMatchObject({ speakers: ['iris'], reason: 'lead' });
    expect(kit.asks('iris')).toBe(1);
  });

  it('round-robin: unaddressed turns go around the cast, nobody twice in a row', async () => {
    const kit = await setupScene({ mode: 'round-robin' });
    const order: string[] = [];
    for (let i = 0; i < 4; i++) {
      await kit.say('alice', 'And then?');
      const who = kit.events.directed.at(-1)!.speakers[0]!;
      order.push(who);
      kit.reply(who, 'Hm.');
      kit.clock.advance(1000);
    }
    expect(order).toEqual(['mara', 'brannoc', 'iris', 'mara']);
  });

  it('natural: talkativeness decides who speaks up, never the last speaker', async () => {
    // Rolls in order: the shuffle of the two eligible characters (one draw), then each one's talkativeness roll.
    const rolls = [0.9, 0.95, 0.1];
    const random = () => rolls.shift() ?? 0.99;
    const kit = await setupScene({
      mode: 'natural',
      random,
      characters: [
        { id: 'mara', name: 'Mara', talkativeness: 0.5 },
        { id: 'brannoc', name: 'Brannoc', talkativeness: 0.2 },
        { id: 'iris', name: 'Iris', talkativeness: 0.9 },
      ],
    });
    kit.reply('mara', 'Welcome aboard.');
    kit.clock.advance(1000);
    await kit.say('alice', 'Thanks.');
    // Mara spoke last, so only Brannoc and Iris roll: Brannoc's 0.2 loses to 0.95, Iris's 0.9 wins over 0.1.
    expect(kit.events.directed.at(-1)).toMatchObject({ speakers: ['iris'], reason: 'natural' });
  });

  it('the turn waits a bounded time for its transcript; without one the mode decides among the sessions that heard it', async () => {
    const kit = await setupScene({ mode: 'round-robin', transcriptWaitMs: 1000 });
    await kit.say('alice', undefined);
    expect(kit.events.directed).toHaveLength(0);
    kit.clock.advance(999);
    expect(kit.events.directed).toHaveLength(0);
    kit.clock.advance(1);
    // Only Mara's session heard the audio, so only she can answer without words.
    expect(kit.events.directed.at(-1)).toMatchObject({ speakers: ['mara'], reason: 'round-robin' });
  });

  it('a scene of one character (no lorebook) answers at once, without waiting for the transcript', async () => {
    const kit = await setupScene({ characters: [{ id: 'mara', name: 'Mara' }] });
    await kit.say('alice', undefined);
    expect(kit.asks('mara')).toBe(1);
    const calls = kit
      .model('mara')
      .calls.map((c) => c.type)
      .filter((t) => t !== 'audio');
    expect(calls).toEqual(['text', 'commit', 'response']);
  });
});
