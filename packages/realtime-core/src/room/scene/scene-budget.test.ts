// Addressed-only rooms, and the session budget: characters connect when first needed, the least
// recently used idle one gives its session up when the budget is spent, and the scene falls back to
// the characters it has.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../testing/manual-clock.ts';
import { RecordingSink } from '../../testing/room-fakes.ts';
import { FakeSceneSessions } from '../../testing/scene-fakes.ts';
import { Room } from '../room.ts';
import { BRANNOC, flush, IRIS, MARA, setupScene } from './scene-test-kit.ts';
import { describeSessionBudget, SessionCounter } from './session-budget.ts';

describe('addressed-only scenes', () => {
  it('with several people present, an unaddressed turn gets no answer; an addressed one does', async () => {
    const kit = await setupScene({ addressedOnly: true, peoplePresent: () => 3 });
    await kit.say('alice', 'Did you see the game last night?');
    expect(kit.events.directed.at(-1)).toMatchObject({ speakers: [], reason: 'not-addressed' });
    expect(kit.asks('mara')).toBe(0);
    // Still heard and remembered: the line is in the scene.
    expect(kit.events.line.map((l) => l.text)).toEqual(['Did you see the game last night?']);
    await kit.say('bob', 'Mara, did you?');
    expect(kit.asks('mara')).toBe(1);
  });

  it('one person alone is always answered', async () => {
    const kit = await setupScene({ addressedOnly: true, peoplePresent: () => 1 });
    await kit.say('alice', 'Anyone here?');
    expect(kit.events.directed.at(-1)).toMatchObject({ speakers: ['mara'], reason: 'lead' });
  });

  it('without a presence count, the speakers heard lately are the people present', async () => {
    const kit = await setupScene({ addressedOnly: true });
    await kit.say('alice', 'Anyone here?');
    expect(kit.events.directed.at(-1)?.speakers).toEqual(['mara']);
    await kit.say('bob', 'I am.');
    expect(kit.events.directed.at(-1)).toMatchObject({ speakers: [], reason: 'not-addressed' });
  });

  it('degrades to lead when no transcript arrives in time', async () => {
    const kit = await setupScene({ addressedOnly: true, peoplePresent: () => 4, transcriptWaitMs: 800 });
    await kit.say('alice', undefined);
    kit.clock.advance(800);
    expect(kit.events.directed.at(-1)).toMatchObject({ speakers: ['mara'], reason: 'no-transcript' });
    expect(kit.asks('mara')).toBe(1);
  });

  it('can be switched on and off while the scene runs', async () => {
    const kit = await setupScene({ peoplePresent: () => 3 });
    kit.scene.setAddressedOnly(true);
    await kit.say('alice', 'Nice weather.');
    expect(kit.asks('mara')).toBe(0);
    kit.scene.setAddressedOnly(false);
    await kit.say('alice', 'Nice weather.');
    expect(kit.asks('mara')).toBe(1);
  });
});

describe('session budget', () => {
  it('connects a character when first addressed, and gives the least recently used idle session up when the budget is spent', async () => {
    const budget = new SessionCounter(2);
    const kit = await setupScene({ budget });
    expect(budget.inUse).toBe(1);
    await kit.say('alice', 'Brannoc, hello.');
    kit.reply('brannoc', 'Evening.');
    kit.clock.advance(1000);
    expect(kit.live()).toEqual(['mara', 'brannoc']);
    await kit.say('alice', 'Iris, hello.');
    // The budget is spent: Brannoc (idle, least recently used; the lead goes last) gives its session up.
    expect(kit.live()).toEqual(['mara', 'iris']);
    expect(kit.sessions.closed).toEqual(['brannoc']);
    expect(kit.sessions.maxOpen).toBe(2);
    expect(budget.inUse).toBe(2);
    expect(kit.events.sessionBudget.map((e) => [e.type, e.characterId])).toEqual([
      ['connected', 'mara'],
      ['connected', 'brannoc'],
      ['evicted', 'brannoc'],
      ['connected', 'iris'],
    ]);
    // When Brannoc returns it catches up from the scene's text.
    kit.reply('iris', 'Hello.');
    kit.clock.advance(1000);
    await kit.say('alice', 'Brannoc, again.');
    expect(kit.model('brannoc').texts()).toEqual([
      '[Alice] Brannoc, hello.',
      '[Alice] Iris, hello.',
      '[Iris] Hello.',
      '[Alice] Brannoc, again.',
    ]);
    expect(kit.model('brannoc').texts('assistant')).toEqual(['Evening.']);
  });

  it('a speaking character keeps its session; when every connected one is busy, one of them answers instead and the admins are told why', async () => {
    const budget = new SessionCounter(2);
    const kit = await setupScene({ budget });
    kit.scene.ask('brannoc', 'Tell the story of the river.');
    await flush();
    kit.model('brannoc').created('b1');
    kit.model('brannoc').speak('b1', 3000);
    kit.scene.ask('mara', 'Hum a shanty.');
    kit.model('mara').created('m1');
    kit.model('mara').speak('m1', 3000);
    // Under the barge-in threshold: nobody is interrupted, and the turn asks for Iris.
    await kit.say('bob', 'Iris, are you there?', { ms: 120 });
    const denied = kit.events.sessionBudget.find((e) => e.type === 'denied')!;
    expect(denied).toMatchObject({ characterId: 'iris', processInUse: 2, processLimit: 2 });
    expect(denied.message).toContain('With 2 concurrent model sessions');
    expect(kit.events.directed.at(-1)).toMatchObject({ speakers: ['mara'], reason: 'fallback' });
    expect(kit.sessions.opened).toEqual(['mara', 'brannoc']);
    // Mara answers once her current reply is done.
    expect(kit.asks('mara')).toBe(1);
    kit.model('mara').finish('m1');
    expect(kit.asks('mara')).toBe(2);
  });

  it('the process budget is shared by every scene', async () => {
    const budget = new SessionCounter(3);
    const clock = new ManualClock();
    const rooms = [0, 1].map(() => {
      const sessions = new FakeSceneSessions();
      const room = new Room({
        scene: { characters: [MARA, BRANNOC, IRIS], sessions, budget, eager: true },
        sink: new RecordingSink(clock),
        clock,
      });
      return { room, sessions };
    });
    await flush();
    const opened = rooms.map((r) => r.sessions.opened.length);
    expect(opened[0]! + opened[1]!).toBe(3);
    expect(budget.inUse).toBe(3);
    rooms[0]!.room.end('left');
    expect(budget.inUse).toBe(3 - opened[0]!);
  });

  it('a session that cannot be opened is reported, its slot given back, and another character answers', async () => {
    const budget = new SessionCounter(5);
    const kit = await setupScene({ budget });
    kit.sessions.failing.set('iris', 'HTTP 429: rate limited');
    await kit.say('alice', 'Iris?');
    expect(kit.events.sessionBudget.at(-1)).toMatchObject({ type: 'failed', characterId: 'iris' });
    expect(kit.events.sessionBudget.at(-1)?.message).toContain('429');
    expect(budget.inUse).toBe(1);
    expect(kit.events.directed.at(-1)).toMatchObject({ speakers: ['mara'], reason: 'fallback' });
    expect(kit.asks('mara')).toBe(1);
  });

  it('says what a server on a budget gets', () => {
    expect(describeSessionBudget(5, 3)).toContain(
      '1 3-character scene with every character connected plus 2 more sessions',
    );
    expect(describeSessionBudget(2, 3)).toContain(
      'a 3-character scene with 2 of its characters connected at a time',
    );
  });
});
