// The room drives the real RealtimeSession through its port (a scripted transport plays the
// server): labels and audio go out as the protocol's events, replies come back as frames, and a
// barge-in truncates the item at what was played.
import { describe, expect, it } from 'vitest';
import { encodePcm16Base64 } from '../audio/pcm16-base64.ts';
import { RealtimeSession } from '../session/realtime-session.ts';
import { ManualClock } from '../testing/manual-clock.ts';
import { RecordingSink } from '../testing/room-fakes.ts';
import { scriptedTransportFactory } from '../testing/scripted-transport.ts';
import type { ModelPort } from './ports.ts';
import { Room } from './room.ts';
import { frame } from './room-test-kit.ts';

async function connectedRoom() {
  const clock = new ManualClock();
  const factory = scriptedTransportFactory(true);
  const session = new RealtimeSession({
    url: 'wss://api.example/v1/realtime',
    model: 'step-audio-2.5-realtime',
    apiKey: 'sk-test',
    config: { instructions: 'You are Mara.', voice: 'v1' },
    transportFactory: factory,
    clock,
  });
  const connected = session.connect();
  const wire = factory.made[0]!;
  wire.serverSend({ type: 'session.created', session: { id: 's1' } });
  await connected;
  // RealtimeSession satisfies the port structurally: no adapter in between.
  const model: ModelPort = session;
  const sink = new RecordingSink(clock);
  const room = new Room({
    cast: [{ name: 'Mara', model }],
    sink,
    clock,
    tuning: { bargeInMinSpeechMs: 100 },
  });
  return { clock, session, wire, sink, room };
}

describe('room over a real RealtimeSession', () => {
  it('sends the label as a conversation item, then the speaker’s audio, then the trailing silence', async () => {
    const { wire, room, clock } = await connectedRoom();
    room.addSpeaker('u1', 'Ann');
    for (let i = 0; i < 5; i++) {
      room.hear('u1', frame(20, 555));
      clock.advance(20);
    }
    room.speakerStopped('u1');
    const sent = wire.sent.filter((e) => e.type !== 'session.update');
    expect(sent[0]).toMatchObject({
      type: 'conversation.item.create',
      item: { role: 'user', content: [{ type: 'input_text', text: '[Ann]' }] },
    });
    const appends = wire.sentOfType('input_audio_buffer.append');
    expect(appends).toHaveLength(5 + 35);
    expect(appends[0]!.audio).toBe(encodePcm16Base64(new Int16Array(480).fill(555)));
  });

  it('plays reply deltas as frames and truncates at what was played when a speaker barges in', async () => {
    const { wire, room, clock, sink } = await connectedRoom();
    wire.serverSend({ type: 'response.created', response: { id: 'r1', status: 'in_progress' } });
    wire.serverSend({
      type: 'response.audio.delta',
      response_id: 'r1',
      item_id: 'it1',
      delta: encodePcm16Base64(new Int16Array(24_000).fill(9)),
    });
    clock.advance(200);
    expect(sink.audio('r1')).toHaveLength(11);
    room.addSpeaker('u1', 'Ann');
    for (let i = 0; i < 5; i++) {
      room.hear('u1', frame(20, 555));
      clock.advance(20);
    }
    const truncate = wire.sentOfType('conversation.item.truncate');
    expect(truncate).toEqual([
      expect.objectContaining({
        item_id: 'it1',
        content_index: 0,
        audio_end_ms: sink.audio('r1').length * 20,
      }),
    ]);
    expect(wire.sentOfType('response.cancel')).toHaveLength(1);
  });
});
