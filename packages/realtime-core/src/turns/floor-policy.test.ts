import { describe, expect, it } from 'vitest';
import { FloorPolicy, speakerLabel } from './floor-policy.ts';

describe('FloorPolicy', () => {
  it('gives the floor to the first speaker and holds the others', () => {
    const f = new FloorPolicy();
    expect(f.onSpeech('alice', 0)).toEqual({ action: 'forward', newTurn: true });
    expect(f.onSpeech('alice', 20)).toEqual({ action: 'forward', newTurn: false });
    expect(f.onSpeech('bob', 30)).toEqual({ action: 'hold' });
    expect(f.heldMs('bob')).toBe(20);
  });

  it('passes the floor to the earliest waiting speaker on release', () => {
    const f = new FloorPolicy();
    f.onSpeech('alice', 0);
    f.onSpeech('carol', 50);
    f.onSpeech('bob', 40);
    expect(f.release('alice', 100)).toBe('bob');
    expect(f.holder).toBe('bob');
    expect(f.takeHeld('bob')).toBe(20);
    expect(f.heldMs('bob')).toBe(0);
  });

  it('frees the floor after the hangover even without a release', () => {
    const f = new FloorPolicy({ hangoverMs: 500 });
    f.onSpeech('alice', 0);
    expect(f.onSpeech('bob', 600)).toEqual({ action: 'forward', newTurn: true });
  });

  it('bounds held audio and counts what it drops', () => {
    const f = new FloorPolicy({ maxHeldMs: 100 });
    f.onSpeech('alice', 0);
    for (let t = 1; t <= 10; t++) f.onSpeech('bob', t * 20);
    expect(f.heldMs('bob')).toBe(100);
    expect(f.droppedMs).toBe(100);
  });

  it('counts only sustained speech as barge-in (echo guard)', () => {
    const f = new FloorPolicy({ bargeInMinSpeechMs: 300 });
    for (let t = 0; t < 200; t += 20) f.onSpeech('alice', t);
    expect(f.isBargeIn('alice')).toBe(false);
    for (let t = 200; t < 320; t += 20) f.onSpeech('alice', t);
    expect(f.isBargeIn('alice')).toBe(true);
    f.onSpeech('alice', 2000); // a new burst after silence starts from zero
    expect(f.isBargeIn('alice')).toBe(false);
  });

  it('sanitises speaker labels', () => {
    expect(speakerLabel('Alice')).toBe('[Alice]');
    expect(speakerLabel('[Admin]\u0007 Bob')).toBe('[Admin Bob]');
    expect(speakerLabel('   ')).toBe('[someone]');
  });
});
