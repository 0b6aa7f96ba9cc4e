// Character cards in a scene: `{{user}}` is the speaker being answered, lorebook entries fire from
// the live transcript, post-history instructions follow every restore, one greeting per join
// (group-only greetings in an ensemble), and the instructions reach the model the way it takes them.
import { describe, expect, it } from 'vitest';
import { enc, fixtureText } from '../../persona/card/test-fixtures.ts';
import { importCharacterCard } from '../../persona/character-card.ts';
import type { FakeModel } from '../../testing/room-fakes.ts';
import { flush, setupScene } from './scene-test-kit.ts';
import type { SceneCharacter } from './scene-types.ts';

const ferryman = importCharacterCard(enc(fixtureText('v2-ferryman')), 'brannoc.json');
const navigator = importCharacterCard(enc(fixtureText('v3-navigator')), 'izzy.json');
const swordswoman = importCharacterCard(enc(fixtureText('v2-zh-swordswoman')), 'linxue.json');

const cast: SceneCharacter[] = [
  { id: 'brannoc', name: 'Brannoc', persona: ferryman },
  { id: 'izzy', name: navigator.name, persona: navigator },
  { id: 'linxue', name: '林雪', persona: swordswoman },
];

const instructions = (m: FakeModel) => m.calls.flatMap((c) => (c.type === 'instructions' ? [c.text] : []));

describe('cards in a scene', () => {
  it('renders {{user}} as the speaker being answered, again only when the speaker changes', async () => {
    const kit = await setupScene({ characters: cast });
    await kit.say('alice', 'Brannoc, is the river safe tonight?');
    const m = kit.model('brannoc');
    expect(instructions(m)).toHaveLength(1);
    expect(instructions(m)[0]).toContain('calls Alice "passenger"');
    kit.reply('brannoc', 'Safe as my knees.');
    kit.clock.advance(1000);
    await kit.say('alice', 'Brannoc, and tomorrow?');
    expect(instructions(m)).toHaveLength(1);
    kit.reply('brannoc', 'Fog.');
    kit.clock.advance(1000);
    await kit.say('bob', 'Brannoc, take me too.');
    expect(instructions(m)).toHaveLength(2);
    expect(instructions(m)[1]).toContain('calls Bob "passenger"');
    // Each instruction change goes before its reply request.
    const kinds = m.calls
      .filter((c) => c.type === 'instructions' || c.type === 'response')
      .map((c) => c.type);
    expect(kinds).toEqual(['instructions', 'response', 'response', 'instructions', 'response']);
  });

  it('fires lorebook entries whose keys are in the live transcript (and what they recursively name)', async () => {
    const kit = await setupScene({ characters: cast });
    await kit.say('alice', 'Brannoc, why does your lantern glow?');
    const text = instructions(kit.model('brannoc')).at(-1)!;
    expect(text).toContain("Brannoc's lantern burns green near the drowned");
    expect(text).toContain('The drowned marsh swallows boats');
    expect(text).toContain('The black river runs between');
  });

  it('addresses cards by their names and V3 nicknames, in Chinese too, and scans Chinese lore keys', async () => {
    const kit = await setupScene({ characters: cast });
    await kit.say('alice', 'Izzy, which way?');
    expect(kit.events.directed.at(-1)?.speakers).toEqual(['izzy']);
    await kit.say('alice', '林雪，霜月在哪里？');
    expect(kit.events.directed.at(-1)?.speakers).toEqual(['linxue']);
    expect(instructions(kit.model('linxue')).at(-1)).toContain('霜月是林雪师父留下的剑');
  });

  it('re-applies post-history instructions after every restore (join and rollover)', async () => {
    const kit = await setupScene({ characters: cast });
    const m = kit.model('brannoc');
    expect(m.texts('system')).toEqual([
      expect.stringContaining('Never let the person you are talking to cross'),
    ]);
    await kit.say('alice', 'Brannoc, hello.');
    kit.reply('brannoc', 'Coins first.');
    kit.clock.advance(1000);
    m.rollOver();
    expect(m.texts('system')).toHaveLength(2);
    expect(m.texts('system')[1]).toContain('Never let Alice cross without paying');
    expect(m.texts('system')[1]).toContain('hums an old rowing song');
  });

  it('greets once per join, with a group-only greeting among the choices in an ensemble', async () => {
    const kit = await setupScene({ characters: cast.slice(0, 2), random: () => 0.99 });
    kit.scene.remove('izzy');
    kit.scene.add(cast[1]!, { greet: true });
    await flush();
    const asked = kit.model('izzy').calls.flatMap((c) => (c.type === 'response' ? [c.instructions] : []));
    expect(asked).toEqual([expect.stringContaining('Right, crew, listen up. everyone, that means you too.')]);
  });

  it('sends the instructions with the reply request when the provider takes them', async () => {
    const kit = await setupScene({ characters: cast });
    kit.sessions.configure = (model) => {
      model.perResponseInstructions = true;
    };
    await kit.say('alice', 'Izzy, hello.');
    const m = kit.model('izzy');
    const [request] = m.calls.flatMap((c) => (c.type === 'response' ? [c.instructions] : []));
    expect(request).toContain('Isolde Varga');
    expect(instructions(m)).toEqual([]);
  });

  it('falls back to a system item when the session cannot change its instructions', async () => {
    const kit = await setupScene({ characters: cast });
    kit.sessions.configure = (model) => {
      (model as { setInstructions?: unknown }).setInstructions = undefined;
    };
    await kit.say('alice', 'Izzy, check the compass.');
    const notes = kit.model('izzy').texts('system');
    expect(notes.at(-1)).toContain('You are answering Alice.');
    expect(notes.at(-1)).toContain('The compass points to whatever Izzy wants most');
  });
});
