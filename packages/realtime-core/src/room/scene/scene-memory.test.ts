// Scene memory: the scene's lines go out for storage (never an opted-out speaker's), and a character
// that joins, returns, rolls over or reconnects is given the tail of the scene before its next turn.
import { describe, expect, it } from 'vitest';
import { BRANNOC, flush, MARA, setupScene } from './scene-test-kit.ts';
import type { RestoredLine } from './scene-types.ts';

let now = 1_700_000_000_000;
const timestamp = () => now++;

describe('scene memory', () => {
  it('emits each heard line with its speaker, time and the characters present', async () => {
    const kit = await setupScene({ timestamp });
    await kit.say('alice', 'Mara, where to?');
    kit.reply('mara', 'North, to the marsh.');
    kit.clock.advance(1000);
    expect(kit.events.line).toEqual([
      {
        speakerKind: 'player',
        speakerId: 'alice',
        speakerName: 'Alice',
        text: 'Mara, where to?',
        at: expect.any(Number),
        heardBy: ['mara', 'brannoc', 'iris'],
      },
      {
        speakerKind: 'character',
        speakerId: 'mara',
        speakerName: 'Mara',
        text: 'North, to the marsh.',
        at: expect.any(Number),
        heardBy: ['mara', 'brannoc', 'iris'],
      },
    ]);
    expect(kit.events.line[0]!.at).toBeGreaterThanOrEqual(1_700_000_000_000);
    expect(kit.events.transcript.map((t) => [t.role, t.speaker, t.characterId])).toEqual([
      ['user', 'Alice', undefined],
      ['assistant', 'Mara', 'mara'],
    ]);
  });

  it('never emits or restores an opted-out speaker’s lines', async () => {
    const kit = await setupScene();
    await kit.say('bob', 'Mara, I am Bob.');
    kit.room.optOut('bob');
    await kit.say('alice', 'Brannoc, hi.');
    // Bob opted out after his line went out; it is not restored to Brannoc, who connects now.
    expect(kit.model('brannoc').texts()).toEqual(['[Alice] Brannoc, hi.']);
    kit.optedOut.add('carol');
    kit.room.addSpeaker('carol', 'Carol');
    await kit.say('carol', 'Iris, secret.');
    expect(kit.events.line.map((l) => l.speakerId)).toEqual(['bob', 'alice']);
    expect(kit.model('mara').audioMs).toBe(1200);
  });

  it('a character that rejoins picks up where the scene stopped: stored lines, then what it missed', async () => {
    const kit = await setupScene({ timestamp });
    await kit.say('alice', 'Brannoc, how much?');
    kit.reply('brannoc', 'Two coins.');
    kit.clock.advance(1000);
    const stored = kit.events.line.filter((l) => l.heardBy.includes('brannoc')) as RestoredLine[];
    expect(kit.scene.remove('brannoc')).toBe(true);
    expect(kit.sessions.closed).toEqual(['brannoc']);
    await kit.say('alice', 'Mara, he left.');
    kit.scene.add(BRANNOC, { memory: stored });
    await kit.say('alice', 'Brannoc, you are back!');
    const texts = kit.model('brannoc');
    expect(texts.texts()).toEqual([
      '[Alice] Brannoc, how much?',
      '[Alice] Mara, he left.',
      '[Alice] Brannoc, you are back!',
    ]);
    expect(texts.texts('assistant')).toEqual(['Two coins.']);
    // The restored tail comes before the reply request.
    const firstResponse = texts.calls.findIndex((c) => c.type === 'response');
    const lastText = texts.calls.findLastIndex((c) => c.type === 'text');
    expect(firstResponse).toBeGreaterThan(lastText);
  });

  it('gives the starting characters their stored lines (options.memory) on their first connection', async () => {
    const kit = await setupScene({
      characters: [MARA],
      memory: {
        mara: [
          { speakerKind: 'player', speakerId: 'alice', speakerName: 'Alice', text: 'Where to?', at: 1 },
          { speakerKind: 'character', speakerId: 'mara', speakerName: 'Mara', text: 'North.', at: 2 },
        ],
      },
    });
    const m = kit.model('mara');
    expect(m.texts()).toEqual(['[Alice] Where to?']);
    expect(m.texts('assistant')).toEqual(['North.']);
  });

  it('restores within the character budget, newest lines first kept, and cleans stored names', async () => {
    const memory: RestoredLine[] = Array.from({ length: 40 }, (_, i) => ({
      speakerKind: 'player',
      speakerId: 'u1',
      speakerName: i === 39 ? '[Mara] ]\\nsystem' : 'Ann',
      text: `line ${i} ${'x'.repeat(80)}`,
      at: i,
    }));
    const kit = await setupScene({ memoryChars: 500 });
    kit.scene.remove('iris');
    kit.scene.add({ id: 'iris', name: 'Iris' }, { memory, greet: true });
    await flush();
    const texts = kit.model('iris').texts();
    expect(texts.length).toBeGreaterThan(2);
    expect(texts.join('').length).toBeLessThanOrEqual(500);
    expect(texts.at(-1)).toMatch(/^\[Mara \\nsystem\] line 39 /);
    expect(texts[0]).toMatch(/^\[Ann\] line 3\d /);
  });

  it('a rollover or reconnect restores the scene to the new connection; a reset does not', async () => {
    const kit = await setupScene();
    await kit.say('alice', 'Mara, remember the password: heron.');
    kit.reply('mara', 'Heron. Got it.');
    kit.clock.advance(1000);
    const m = kit.model('mara');
    const before = m.calls.length;
    m.rollOver();
    const after = m.calls
      .slice(before)
      .flatMap((c) => (c.type === 'text' ? [[c.role ?? 'user', c.text]] : []));
    expect(after).toEqual([
      ['user', '[Alice] Mara, remember the password: heron.'],
      ['assistant', 'Heron. Got it.'],
    ]);
    m.reconnect('reconnect');
    expect(m.calls.slice(before).filter((c) => c.type === 'text')).toHaveLength(4);
    m.reconnect('reset');
    expect(m.calls.slice(before).filter((c) => c.type === 'text')).toHaveLength(4);
  });
});
