// A single character's card on server VAD: the instructions answer each turn's speaker and carry
// the lore the transcript so far fires, sent before the turn's audio and only when they change;
// post-history instructions follow every replayed history. A persona without a card is untouched.
import { describe, expect, it } from 'vitest';
import { enc, fixtureText } from '../persona/card/test-fixtures.ts';
import { importCharacterCard } from '../persona/character-card.ts';
import type { Persona } from '../persona/schema.ts';
import { ManualClock } from '../testing/manual-clock.ts';
import { FakeModel, RecordingSink } from '../testing/room-fakes.ts';
import { Room } from './room.ts';
import { frame } from './room-test-kit.ts';

const ferryman = importCharacterCard(enc(fixtureText('v2-ferryman')), 'brannoc.json');

function soloRoom(persona: Persona | undefined) {
  const clock = new ManualClock();
  const model = new FakeModel();
  const room = new Room({
    cast: [{ name: 'Brannoc', model, persona }],
    sink: new RecordingSink(clock),
    clock,
  });
  room.addSpeaker('alice', 'Alice');
  room.addSpeaker('bob', 'Bob');
  const turn = (id: string, itemId: string, text: string) => {
    for (let t = 0; t < 200; t += 20) {
      room.hear(id, frame(20, 777));
      clock.advance(20);
    }
    room.speakerStopped(id);
    model.commit(itemId);
    model.transcribe('user', itemId, text);
  };
  const instructions = () => model.calls.flatMap((c) => (c.type === 'instructions' ? [c.text] : []));
  return { model, room, turn, instructions };
}

describe('a single character with a card (server VAD)', () => {
  it('answers each speaker by name ({{user}}), sending the instructions before the turn, only when they change', () => {
    const { model, turn, instructions } = soloRoom(ferryman);
    turn('alice', 'i1', 'Hello there.');
    turn('alice', 'i2', 'Again.');
    turn('bob', 'i3', 'My turn.');
    expect(instructions()).toHaveLength(2);
    expect(instructions()[0]).toContain('calls Alice "passenger"');
    expect(instructions()[1]).toContain('calls Bob "passenger"');
    // The update precedes the turn's label and audio: the server answers with it.
    const order = model.calls
      .filter((c) => c.type !== 'audio')
      .map((c) => (c.type === 'text' ? c.text : c.type));
    expect(order.slice(0, 2)).toEqual(['instructions', '[Alice]']);
  });

  it('fires lorebook entries from the transcript so far, at the next turn', () => {
    const { turn, instructions } = soloRoom(ferryman);
    turn('alice', 'i1', 'Why does your lantern glow?');
    expect(instructions().at(-1)).not.toContain('lantern burns green');
    turn('alice', 'i2', 'Well?');
    expect(instructions().at(-1)).toContain("Brannoc's lantern burns green near the drowned");
  });

  it('puts the post-history instructions after a replayed history, not after a reset', () => {
    const { model, turn } = soloRoom(ferryman);
    turn('alice', 'i1', 'Hello.');
    model.rollOver();
    expect(model.texts('system')).toEqual([expect.stringContaining('Never let Alice cross without paying')]);
    model.reconnect('dropped');
    expect(model.texts('system')).toHaveLength(2);
    model.reconnect('reset');
    expect(model.texts('system')).toHaveLength(2);
  });

  it('leaves a persona without a card alone', () => {
    const { model, turn, instructions } = soloRoom(undefined);
    turn('alice', 'i1', 'Hello.');
    model.rollOver();
    expect(instructions()).toEqual([]);
    expect(model.texts('system')).toEqual([]);
  });
});
