// Who said what, and how long each turn took: transcripts attributed when turns overlap, bounded
// bookkeeping (issue 13 #10), and the per-turn latency breakdown on the room's clock.
import { describe, expect, it } from 'vitest';
import { setupRoom } from './room-test-kit.ts';
import { TranscriptAttribution } from './transcript-attribution.ts';

describe('room transcripts', () => {
  it('attributes a turn committed after the next speaker took the floor to the one who spoke it', () => {
    const { model, scene, events } = setupRoom();
    scene([
      { id: 'alice', from: 0, to: 600 },
      { id: 'bob', from: 300, to: 1500 },
    ]);
    // Server VAD commits Alice's turn while Bob is talking, then Bob's once he is done.
    model.commit('item_alice');
    model.commit('item_bob');
    model.transcribe('user', 'item_bob', 'And I am Bob.');
    model.transcribe('user', 'item_alice', 'Hello, I am Alice.');
    expect(events.transcript.map((t) => [t.speaker, t.speakerId, t.text])).toEqual([
      ['Bob', 'bob', 'And I am Bob.'],
      ['Alice', 'alice', 'Hello, I am Alice.'],
    ]);
  });

  it('attributes a commit in the middle of an open turn to its speaker', () => {
    const { model, talk, events } = setupRoom();
    talk('carol', 400);
    model.commit('item_1');
    model.transcribe('user', 'item_1', 'first half');
    expect(events.transcript).toEqual([
      { role: 'user', speaker: 'Carol', speakerId: 'carol', text: 'first half', character: 'Mara' },
    ]);
  });

  it('posts the character’s lines under its name', () => {
    const { model, events } = setupRoom();
    model.transcribe('assistant', 'item_r1', 'Ahoy!');
    expect(events.transcript).toEqual([
      { role: 'assistant', speaker: 'Mara', text: 'Ahoy!', character: 'Mara' },
    ]);
  });

  it('forgets an item whose transcript is empty', () => {
    const { model, talk, room, events } = setupRoom();
    for (let i = 0; i < 100; i++) {
      talk('alice', 100);
      room.speakerStopped('alice');
      model.commit(`item_${i}`);
      model.transcribe('user', `item_${i}`, '   ');
    }
    expect(events.transcript).toEqual([]);
    expect(room.status().pendingAttributions).toBe(0);
  });

  it('stays bounded when transcription fails or a turn is never committed', () => {
    const { model, talk, room } = setupRoom();
    for (let i = 0; i < 500; i++) {
      talk('alice', 40);
      room.speakerStopped('alice');
      if (i % 2 === 0) model.commit(`item_${i}`); // the others never commit; none is ever transcribed
    }
    expect(room.status().pendingAttributions).toBeLessThanOrEqual(40);
  });

  it('TranscriptAttribution: the oldest closed turn speaks the next commit', () => {
    const a = new TranscriptAttribution('someone');
    a.turnOpened('Ann');
    a.turnClosed('Ann');
    a.turnOpened('Bo');
    a.committed('i1');
    a.committed('i2');
    expect([a.speakerOf('i2'), a.speakerOf('i1'), a.speakerOf('unknown')]).toEqual(['Bo', 'Ann', 'Bo']);
    expect(a.pending).toBe(0);
  });
});

describe('room latency', () => {
  it('breaks each turn down in milliseconds: speech end → commit → first audio → first frame', () => {
    const { model, talk, room, clock, events } = setupRoom({ preRollFrames: 3 });
    talk('alice', 500);
    room.speakerStopped('alice');
    clock.advance(320);
    model.commit('item_a');
    clock.advance(450);
    model.speak('r1', 20);
    clock.advance(40);
    model.speak('r1', 40);
    expect(events.turn).toEqual([
      {
        speaker: 'Alice',
        speechEndToCommitMs: 320,
        commitToFirstAudioMs: 450,
        firstAudioToFirstPacketMs: 40,
        totalMs: 810,
      },
    ]);
    expect(room.status().turns).toEqual(events.turn);
  });

  it('measures receive → sent to the model for the last frame of a turn', () => {
    const { room, clock, events } = setupRoom();
    room.hear('alice', {
      pcm: new Int16Array(480).fill(999),
      sampleRate: 24_000,
      channels: 1,
      receivedAt: clock.now() - 3,
    });
    room.speakerStopped('alice');
    expect(events.inbound).toEqual([{ speakerId: 'alice', ms: 3 }]);
  });
});
