// Prompts (a greeting, an in-character announcement) never collide with a reply in progress.
import { describe, expect, it } from 'vitest';
import { setupRoom } from './room-test-kit.ts';

const prompts = (calls: { type: string }[]) =>
  calls.flatMap((c) => (c.type === 'response' ? [(c as { instructions?: string }).instructions] : []));

describe('room prompts and listeners', () => {
  it('asks the model at once when no reply is in progress', () => {
    const { model, room } = setupRoom();
    room.prompt('Greet everyone.');
    expect(prompts(model.calls)).toEqual(['Greet everyone.']);
  });

  it('waits for the reply in progress to end, then asks, in order', () => {
    const { model, room } = setupRoom();
    model.created('r1');
    model.speak('r1', 200);
    room.prompt('Say time is almost up.');
    room.prompt('Then say goodbye.');
    expect(prompts(model.calls)).toEqual([]);
    model.finish('r1');
    expect(prompts(model.calls)).toEqual(['Say time is almost up.']);
    model.created('r2');
    model.finish('r2');
    expect(prompts(model.calls)).toEqual(['Say time is almost up.', 'Then say goodbye.']);
  });

  it('a prompt made while a barge-in is cancelling the reply waits for the model to confirm the cancel', () => {
    const { model, room, talk } = setupRoom({ bargeInMinSpeechMs: 100, usageFlushMs: 60_000 });
    // As the usage cap does: a usage report (here, the one a barge-in flushes) leads to an announcement.
    room.on('usage', () => room.prompt('Time is almost up.'));
    model.created('r1');
    model.speak('r1', 2000);
    talk('alice', 100);
    expect(model.count('cancel')).toBe(1);
    expect(prompts(model.calls)).toEqual([]);
    model.emitDone('r1');
    expect(prompts(model.calls)).toEqual(['Time is almost up.']);
  });

  it('two prompts in a row: the second waits for the reply the first asked for', () => {
    const { model, room } = setupRoom();
    room.prompt('One.');
    room.prompt('Two.');
    expect(prompts(model.calls)).toEqual(['One.']);
    model.created('r1');
    model.finish('r1');
    expect(prompts(model.calls)).toEqual(['One.', 'Two.']);
  });

  it('nothing is asked after the room ends', () => {
    const { model, room } = setupRoom();
    model.created('r1');
    room.prompt('Later.');
    room.end('left');
    model.finish('r1');
    room.prompt('Too late.');
    expect(prompts(model.calls)).toEqual([]);
  });

  it('a throwing listener is logged, and the room goes on', () => {
    const errors: string[] = [];
    const logger = { debug() {}, info() {}, warn() {}, error: (_o: object, msg: string) => errors.push(msg) };
    const { model, room, sink, clock } = setupRoom({}, { logger });
    room.on('replyStarted', () => {
      throw new Error('listener bug');
    });
    model.speak('r1', 200);
    model.finish('r1');
    clock.advance(500);
    expect(errors).toEqual(['room event listener threw']);
    expect(sink.audio('r1')).toHaveLength(10);
  });
});
