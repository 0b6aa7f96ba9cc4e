// Characters never talk over each other, a barge-in stops whoever speaks, and characters reacting to
// each other stop at the bound.
import { describe, expect, it } from 'vitest';
import { flush, setupScene } from './scene-test-kit.ts';

describe('scene playback', () => {
  it('replies of different characters never overlap: one plays out before the next starts', async () => {
    const kit = await setupScene({ eager: true });
    // Both models stream at once (e.g. a prompt and an answer): the pacer plays them back to back.
    const a = kit.reply('mara', 'One.', 600);
    const b = kit.reply('brannoc', 'Two.', 600);
    const c = kit.reply('iris', 'Three.', 600);
    kit.clock.advance(3000);
    const played = kit.sink.audio().map((f) => f.responseId);
    expect(played).toHaveLength(90);
    for (const [i, r] of [a, b, c].entries()) {
      expect(played.filter((x) => x === r)).toHaveLength(30);
      expect(played.indexOf(r)).toBe(i * 30);
    }
    // One frame per 20 ms tick, whichever character speaks.
    const at = kit.sink.audio().map((f) => f.at);
    expect(at.every((t, i) => i === 0 || t - at[i - 1]! === 20)).toBe(true);
  });

  it('a barge-in stops whoever speaks, truncates its item at what was heard and ends the chain', async () => {
    const kit = await setupScene({ maxCharacterTurns: 3 });
    await kit.say('alice', 'Brannoc, tell us about the river.');
    const rid = kit.reply('brannoc', 'The river is old and black and deep, Mara knows it well', 2000);
    kit.clock.advance(500);
    const before = kit.sink.audio(rid).length;
    kit.talk('bob', 300);
    const m = kit.model('brannoc');
    expect(m.count('cancel')).toBe(1);
    expect(m.truncations).toEqual([{ itemId: `item_${rid}`, ms: kit.sink.audio(rid).length * 20 }]);
    expect(kit.sink.audio(rid).length).toBeLessThan(before + 16);
    // Mara, named in the unheard part of the line, is not asked to react.
    kit.clock.advance(300);
    expect(kit.asks('mara')).toBe(0);
    kit.clock.advance(3000);
    expect(kit.events.bargeIn).toEqual([expect.objectContaining({ framesAfterDecision: 0 })]);
    // Its line keeps only what was heard.
    const line = kit.events.line.find((l) => l.speakerId === 'brannoc')!;
    expect(line.text.endsWith('…')).toBe(true);
    expect(line.text.length).toBeLessThan(30);
    // Bob's interruption was a turn of its own, closed by his silence: the lead answers it.
    expect(kit.asks('mara')).toBe(1);
  });

  it('a character addressed by another reacts; the chain stops at the bound', async () => {
    const kit = await setupScene({ maxCharacterTurns: 2 });
    await kit.say('alice', 'Mara, what now?');
    kit.reply('mara', 'Brannoc, take us across.');
    kit.clock.advance(1000);
    await flush();
    expect(kit.events.directed.at(-1)).toMatchObject({
      cause: 'reaction',
      speakers: ['brannoc'],
      answering: 'Mara',
    });
    expect(kit.asks('brannoc')).toBe(1);
    expect(kit.model('brannoc').texts().at(-1)).toBe('[Mara] Brannoc, take us across.');
    kit.reply('brannoc', 'Mara, you pay first.');
    kit.clock.advance(1000);
    await flush();
    // Two character lines for one player turn: Mara is not asked again until a player speaks.
    expect(kit.asks('mara')).toBe(1);
    await kit.say('alice', 'Mara, pay the man.');
    expect(kit.asks('mara')).toBe(2);
  });

  it('nobody is asked while a player holds the floor; a blip too short to commit lets the chain go on', async () => {
    const kit = await setupScene({ maxCharacterTurns: 3, eager: true });
    await kit.say('alice', 'Mara, what now?');
    kit.reply('mara', 'Brannoc, take us across.', 400);
    kit.clock.advance(200);
    kit.room.hear('bob', { pcm: new Int16Array(24_000 * 0.06).fill(999), sampleRate: 24_000, channels: 1 });
    kit.clock.advance(600);
    // Bob's floor is still open (hangover): Brannoc waits.
    expect(kit.asks('brannoc')).toBe(0);
    kit.room.speakerStopped('bob');
    // 60 ms is too short to commit: dropped, the chain goes on.
    expect(kit.asks('brannoc')).toBe(1);
  });

  it('a player’s turn (not a blip) ends the characters’ reactions', async () => {
    const kit = await setupScene({
      maxCharacterTurns: 3,
      eager: true,
      addressedOnly: true,
      peoplePresent: () => 2,
    });
    await kit.say('alice', 'Brannoc, any news?');
    kit.reply('brannoc', 'Iris, hold the lantern.', 400);
    kit.clock.advance(100);
    // Bob speaks 160 ms over Brannoc: under the barge-in threshold, but a real turn.
    await kit.say('bob', 'Hm, nice.', { ms: 160 });
    kit.clock.advance(2000);
    await flush();
    expect(kit.events.bargeIn).toHaveLength(0);
    expect(kit.events.directed.at(-1)).toMatchObject({
      cause: 'player',
      speakers: [],
      reason: 'not-addressed',
    });
    // Brannoc's line named Iris, but a player spoke since: no reaction.
    expect(kit.asks('iris')).toBe(0);
  });

  it('a prompt’s line (an announcement) does not count as the chain’s answer', async () => {
    const kit = await setupScene();
    kit.scene.ask('mara', 'Announce the tide.');
    kit.model('mara').created('p1');
    kit.model('mara').speak('p1', 400);
    await kit.say('alice', 'Mara and Brannoc, ready?', { ms: 150 });
    // Mara is busy with the announcement: her answer waits for it.
    expect(kit.asks('mara')).toBe(1);
    kit.model('mara').finish('p1');
    kit.model('mara').transcribe('assistant', 'item_p1', 'The tide turns at dusk.');
    expect(kit.asks('mara')).toBe(2);
    kit.clock.advance(1000);
    await flush();
    // The announcement played out, but Brannoc waits for Mara's answer to be heard.
    expect(kit.asks('brannoc')).toBe(0);
    kit.reply('mara', 'Ready.');
    kit.clock.advance(1000);
    expect(kit.asks('brannoc')).toBe(1);
  });

  it('a line heard while a player talks reaches the others after that turn, never between its label and audio', async () => {
    const kit = await setupScene({ eager: true }, { bargeInMinSpeechMs: 5000 });
    await kit.say('alice', 'Brannoc, how much?');
    kit.reply('brannoc', 'Two coins.', 200);
    // Bob talks over the end of the reply (no barge-in): his turn is open when the line settles.
    kit.talk('bob', 400);
    kit.room.speakerStopped('bob');
    await flush();
    const calls = kit
      .model('mara')
      .calls.map((c) => (c.type === 'text' ? c.text : c.type))
      .filter((c) => c !== 'audio');
    const label = calls.lastIndexOf('[Bob]');
    expect(calls.slice(label)).toEqual(['[Bob]', 'commit', '[Brannoc] Two coins.']);
  });

  it('counts input audio once per session that heard it', async () => {
    const kit = await setupScene({ eager: true }, { usageFlushMs: 60_000 });
    await kit.say('alice', 'Hello all.', { ms: 1000 });
    expect(kit.room.status().usage.inputAudioMs).toBe(3000);
    expect(kit.model('iris').audioMs).toBe(1000);
  });
});
