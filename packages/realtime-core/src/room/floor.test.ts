// The floor: one labelled speaker at a time reaches the model; the others are held and handed on.
import { describe, expect, it } from 'vitest';
import { frame, setupRoom, VOICE } from './room-test-kit.ts';

const ms = (samples: number) => (samples / 24_000) * 1000;
const zerosMs = (pcm: Int16Array) => ms(pcm.filter((v) => v === 0).length);

describe('room floor', () => {
  it('gives the floor to the first speaker: their label, then their audio', () => {
    const { model, talk, room } = setupRoom();
    talk('alice', 100);
    expect(model.calls[0]).toEqual({ type: 'text', text: '[Alice]' });
    expect(model.calls.slice(1).map((c) => (c.type === 'audio' ? c.pcm.length : c.type))).toEqual(
      Array(5).fill(480),
    );
    expect(room.state).toMatchObject({ status: 'turn', label: 'Alice' });
  });

  it('keeps the holder on the floor through a pause shorter than the turn-end silence: one label, the pause kept', () => {
    const { model, talk, clock, room } = setupRoom({ hangoverMs: 700 });
    talk('alice', 200);
    // As a Discord client does: five silence frames, then nothing until she speaks again.
    for (let i = 0; i < 5; i++) {
      room.hear('alice', frame(20, 0));
      clock.advance(20);
    }
    clock.advance(500);
    talk('alice', 200);
    expect(model.labels).toEqual(['[Alice]']);
    // Her transport sent nothing for 500 ms; the model still hears the whole pause, at its length.
    expect(model.audioMs).toBe(1000);
  });

  it('holds a second speaker while the floor is taken and sends them whole, labelled, after the holder stops', () => {
    const { model, scene, msOf, room } = setupRoom({ trailingSilenceMs: 700 });
    scene([
      { id: 'alice', from: 0, to: 1000 },
      { id: 'bob', from: 200, to: 700 },
    ]);
    const turns = model.turns();
    // Bob began while Alice spoke: the model is told he talked over her.
    expect(turns.map((t) => t.label)).toEqual(['[Alice]', '[Bob, talking over Alice]']);
    expect(msOf(turns[0]!.samples, 'alice')).toBe(1000);
    expect(msOf(turns[0]!.samples, 'bob')).toBe(0);
    // Bob stopped while waiting: his turn is complete at once, trailing silence and all.
    expect(msOf(turns[1]!.samples, 'bob')).toBe(500);
    expect(zerosMs(turns[1]!.samples)).toBe(700);
    expect(room.state.status).toBe('quiet');
  });

  it('closes a turn with exactly the trailing silence, in 20 ms frames, before the next label', () => {
    const { model, scene } = setupRoom({ trailingSilenceMs: 500 });
    scene([
      { id: 'alice', from: 0, to: 200 },
      { id: 'bob', from: 100, to: 400 },
    ]);
    const labelAt = model.calls.findIndex((c) => c.type === 'text' && c.text.startsWith('[Bob'));
    const before = model.calls.slice(0, labelAt).filter((c) => c.type === 'audio');
    const silence = before.slice(-25);
    expect(
      silence.every((c) => c.type === 'audio' && c.pcm.length === 480 && c.pcm.every((v) => v === 0)),
    ).toBe(true);
    expect(before.slice(0, -25).every((c) => c.type === 'audio' && c.pcm[0] === VOICE.alice)).toBe(true);
  });

  it('passes the floor to whoever has waited longest', () => {
    const { model, scene } = setupRoom();
    scene([
      { id: 'alice', from: 0, to: 600 },
      { id: 'carol', from: 300, to: 1200 },
      { id: 'bob', from: 200, to: 1000 },
    ]);
    expect(model.labels).toEqual(['[Alice]', '[Bob, talking over Alice]', '[Carol, talking over Bob]']);
  });

  it('a waiting speaker still talking keeps the floor: held audio first, then live, nothing lost', () => {
    const { model, scene, msOf } = setupRoom({ maxHeldMs: 4000 });
    scene([
      { id: 'alice', from: 0, to: 500 },
      { id: 'bob', from: 100, to: 1500 },
    ]);
    const bob = model.turns()[1]!;
    expect(bob.label).toBe('[Bob, talking over Alice]');
    expect(msOf(bob.samples, 'bob')).toBe(1400);
    // No silence between his held and his live audio: the only zeros are the trailing silence at the end.
    const firstZero = bob.samples.indexOf(0);
    expect(ms(firstZero)).toBe(1400);
  });

  it('moves the floor at the hangover when the holder’s frames stop without their stream ending', () => {
    const { model, scene, msOf, room } = setupRoom({ hangoverMs: 700 });
    // Alice's frames stop at 400 (e.g. they stop decoding) but her transport never reports a stop.
    scene([
      { id: 'alice', from: 0, to: 400, stop: false },
      { id: 'bob', from: 200, to: 2000 },
    ]);
    const turns = model.turns();
    expect(turns.map((t) => t.label)).toEqual(['[Alice]', '[Bob, talking over Alice]']);
    expect(msOf(turns[0]!.samples, 'alice')).toBe(400);
    // Bob held from 200 until Alice had been silent for over 700 ms (at 1120), then live: all of it.
    expect(msOf(turns[1]!.samples, 'bob')).toBe(1800);
    expect(zerosMs(turns[0]!.samples)).toBe(700);
    expect(room.status().speakers.find((s) => s.id === 'alice')?.speaking).toBe(true);
  });

  it('at the hangover, a waiting speaker who already stopped gets a complete turn and the floor moves on', () => {
    const { model, scene, msOf, room } = setupRoom({ hangoverMs: 700 });
    scene([
      { id: 'alice', from: 0, to: 300, stop: false },
      { id: 'bob', from: 100, to: 400 },
      { id: 'carol', from: 1200, to: 1600 },
    ]);
    const turns = model.turns();
    expect(turns.map((t) => t.label)).toEqual(['[Alice]', '[Bob, talking over Alice]', '[Carol]']);
    expect(msOf(turns[1]!.samples, 'bob')).toBe(300);
    expect(msOf(turns[2]!.samples, 'carol')).toBe(400);
    expect(room.state.status).toBe('quiet');
  });

  it('passes the floor at the hangover by the clock, when no one else’s frame comes to trigger it', () => {
    const { model, scene, clock, msOf, room } = setupRoom({ hangoverMs: 700 });
    // Alice's frames stop at 300 without her stream ending; Bob says 200 ms and stops, waiting.
    scene([
      { id: 'alice', from: 0, to: 300, stop: false },
      { id: 'bob', from: 100, to: 300 },
    ]);
    clock.advance(679); // Alice's last frame at 280 + 700 ms = 980: her silence is not over yet
    expect(model.labels).toEqual(['[Alice]']);
    clock.advance(2);
    expect(model.labels).toEqual(['[Alice]', '[Bob, talking over Alice]']);
    expect(msOf(model.turns()[1]!.samples, 'bob')).toBe(200);
    expect(room.state.status).toBe('quiet');
    expect(clock.pendingTimers).toBe(1); // only the usage flush
  });

  it('a holder who resumes within the hangover keeps the floor over someone who spoke in the pause', () => {
    const { model, scene } = setupRoom({ hangoverMs: 700 });
    scene([
      { id: 'alice', from: 0, to: 300, stop: false },
      { id: 'bob', from: 400, to: 800, stop: false },
    ]);
    scene([{ id: 'alice', from: 0, to: 200 }]);
    // Alice's words after her pause came while Bob was talking: he talked over her.
    expect(model.labels).toEqual(['[Alice]', '[Bob, talking over Alice]']);
    // Bob's turn came only after Alice stopped, with all his held audio.
    expect(model.calls.findIndex((c) => c.type === 'text' && c.text.startsWith('[Bob'))).toBeGreaterThan(
      model.calls.findLastIndex((c) => c.type === 'audio' && c.pcm[0] === VOICE.alice),
    );
  });

  it('bounds held audio by its measured duration, whatever the frame sizes, and counts what it drops', () => {
    const { model, room, clock, msOf } = setupRoom({ maxHeldMs: 1000 });
    room.hear('alice', frame(20, VOICE.alice!));
    // Bob's transport sends 60 ms and 10 ms frames: 2 s in all while Alice holds the floor.
    for (let t = 0; t < 25; t++) {
      room.hear('bob', frame(60, VOICE.bob!));
      room.hear('bob', frame(10, VOICE.bob!));
      room.hear('alice', frame(20, VOICE.alice!));
      clock.advance(20);
    }
    room.hear('bob', frame(250, VOICE.bob!));
    const held = room.status().speakers.find((s) => s.id === 'bob')!.heldMs;
    expect(held).toBeLessThanOrEqual(1000);
    expect(held).toBeGreaterThan(1000 - 250);
    expect(room.status().droppedHeldMs).toBe(25 * 70 + 250 - held);
    room.speakerStopped('alice');
    expect(msOf(model.turns()[1]!.samples, 'bob')).toBe(held);
  });

  it('converts frames in other formats to the model’s mono rate, and measures their duration', () => {
    const { model, room, clock } = setupRoom();
    for (let t = 0; t < 50; t++) {
      room.hear('alice', frame(20, 3000, 48_000, 2));
      clock.advance(20);
    }
    room.speakerStopped('alice');
    const speech = model.turns()[0]!.samples.filter((v) => v !== 0).length;
    // One second of 48 kHz stereo is 24,000 mono samples at the model rate, less the filter's delay.
    expect(speech).toBeGreaterThan(23_000);
    expect(speech).toBeLessThanOrEqual(24_000);
    expect(room.status().usage.inputAudioMs).toBeCloseTo(1000, 0);
  });

  it('refuses a malformed frame with an error that says what is wrong', () => {
    const { room } = setupRoom();
    expect(() => room.hear('alice', { pcm: new Int16Array(3), sampleRate: 48_000, channels: 2 })).toThrow(
      /multiple of 2 samples/,
    );
    expect(() =>
      room.hear('alice', { pcm: new Int16Array(4), sampleRate: 48_000, channels: 3 as 2 }),
    ).toThrow(/channels must be 1 or 2/);
  });

  it('labels two speakers of the same name apart, and never as the character', () => {
    const { model, room, scene } = setupRoom();
    room.addSpeaker('alice', 'Ann');
    room.addSpeaker('bob', 'Ann');
    room.addSpeaker('carol', 'mara');
    scene([{ id: 'alice', from: 0, to: 100 }]);
    scene([{ id: 'bob', from: 0, to: 100 }]);
    scene([{ id: 'carol', from: 0, to: 100 }]);
    expect(model.labels).toEqual(['[Ann]', '[Ann (2)]', '[mara (2)]']);
  });

  it('a speaker never heard before is labelled with the fallback name', () => {
    const { model, room } = setupRoom();
    room.hear('stranger', frame(20, 777));
    expect(model.labels).toEqual(['[someone]']);
  });
});
