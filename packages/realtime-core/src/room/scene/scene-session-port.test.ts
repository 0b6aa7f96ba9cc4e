// A scene drives real RealtimeSessions through its port (a scripted transport plays each server):
// turn detection off, the labelled turn committed by the client, the reply asked for only after
// the transcript names who should answer, and the scene restored to a rolled-over connection.
import { describe, expect, it } from 'vitest';
import { stepfunProfile } from '../../provider/profiles.ts';
import { RealtimeSession } from '../../session/realtime-session.ts';
import { ManualClock } from '../../testing/manual-clock.ts';
import { RecordingSink } from '../../testing/room-fakes.ts';
import { type ScriptedTransport, scriptedTransportFactory } from '../../testing/scripted-transport.ts';
import { Room } from '../room.ts';
import { frame } from '../room-test-kit.ts';
import { flush } from './scene-test-kit.ts';
import type { SceneCharacter, ScenePort, SceneSessions } from './scene-types.ts';

function realSessions(clock: ManualClock) {
  const wires = new Map<string, ScriptedTransport>();
  const sessions: SceneSessions = {
    async open(c: SceneCharacter): Promise<ScenePort> {
      const factory = scriptedTransportFactory(true);
      const session = new RealtimeSession({
        url: 'wss://api.example/v1/realtime',
        model: 'stepaudio-2.5-realtime',
        apiKey: 'sk-test',
        profile: stepfunProfile,
        config: { instructions: `You are ${c.name}.`, voice: 'v1', turnDetection: null },
        history: { maxItems: 0 },
        transportFactory: factory,
        clock,
      });
      const ready = session.connect();
      const wire = factory.made[0]!;
      wire.serverSend({ type: 'session.created', session: { id: `s_${c.id}` } });
      await ready;
      wires.set(c.id, wire);
      return session;
    },
    close(_c, port) {
      (port as RealtimeSession).close();
    },
  };
  return { sessions, wires };
}

const sent = (wire: ScriptedTransport) => wire.sent.filter((e) => e.type !== 'input_audio_buffer.append');

describe('scene over real RealtimeSessions', () => {
  it('commits the turn itself and asks only the addressed character, after its transcript', async () => {
    const clock = new ManualClock();
    const { sessions, wires } = realSessions(clock);
    const room = new Room({
      scene: {
        characters: [
          { id: 'mara', name: 'Mara' },
          { id: 'brannoc', name: 'Brannoc' },
        ],
        sessions,
      },
      sink: new RecordingSink(clock),
      clock,
    });
    await room.scene!.ready();
    const mara = wires.get('mara')!;
    expect(mara.sentOfType('session.update')[0]!.session.turn_detection).toBeNull();
    room.addSpeaker('u1', 'Ann');
    for (let i = 0; i < 10; i++) {
      room.hear('u1', frame(20, 555));
      clock.advance(20);
    }
    room.speakerStopped('u1');
    expect(sent(mara).map((e) => e.type)).toEqual([
      'session.update',
      'conversation.item.create',
      'input_audio_buffer.commit',
    ]);
    expect(mara.sentOfType('input_audio_buffer.append')).toHaveLength(10);
    mara.serverSend({ type: 'input_audio_buffer.committed', item_id: 'it1' } as never);
    mara.serverSend({
      type: 'conversation.item.input_audio_transcription.completed',
      item_id: 'it1',
      content_index: 0,
      transcript: 'Brannoc, are you awake?',
    } as never);
    await flush();
    const brannoc = wires.get('brannoc')!;
    expect(mara.sentOfType('response.create')).toHaveLength(0);
    expect(sent(brannoc).map((e) => e.type)).toEqual([
      'session.update',
      'conversation.item.create',
      'response.create',
    ]);
    expect(brannoc.sentOfType('conversation.item.create')[0]!.item.content).toEqual([
      { type: 'input_text', text: '[Ann] Brannoc, are you awake?' },
    ]);
  });

  it('restores the scene to a rolled-over connection (the session itself replays nothing)', async () => {
    const clock = new ManualClock();
    const { sessions, wires } = realSessions(clock);
    const room = new Room({
      scene: { characters: [{ id: 'mara', name: 'Mara' }], sessions, addressedOnly: true },
      sink: new RecordingSink(clock),
      clock,
    });
    await room.scene!.ready();
    room.addSpeaker('u1', 'Ann');
    for (let i = 0; i < 10; i++) {
      room.hear('u1', frame(20, 555));
      clock.advance(20);
    }
    room.speakerStopped('u1');
    const first = wires.get('mara')!;
    first.serverSend({ type: 'input_audio_buffer.committed', item_id: 'it1' } as never);
    first.serverSend({
      type: 'conversation.item.input_audio_transcription.completed',
      item_id: 'it1',
      content_index: 0,
      transcript: 'The password is heron.',
    } as never);
    // StepFun caps a session at 30 minutes; the session rolls over 5 minutes before.
    clock.advance(25 * 60_000);
    const session = room.cast[0]!.model as RealtimeSession;
    expect(session.state.status).toBe('connecting');
    const second = (session as unknown as { state: { transport: ScriptedTransport } }).state.transport;
    second.open();
    second.serverSend({ type: 'session.created', session: { id: 's2' } });
    const items = second.sentOfType('conversation.item.create').map((e) => e.item.content?.[0]?.text);
    expect(items).toEqual(['[Ann] The password is heron.']);
  });
});
