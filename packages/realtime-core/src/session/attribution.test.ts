// How replies are attributed when the server leaves ids out, as StepFun's published samples do.
import { describe, expect, it } from 'vitest';
import { encodePcm16Base64 } from '../audio/pcm16-base64.ts';
import { ManualClock } from '../testing/manual-clock.ts';
import { scriptedTransportFactory } from '../testing/scripted-transport.ts';
import { RealtimeSession } from './realtime-session.ts';

async function ready() {
  const factory = scriptedTransportFactory(true);
  const session = new RealtimeSession({
    url: 'wss://api.example/v1/realtime',
    model: 'stepaudio-2.5-realtime',
    apiKey: 'k',
    config: { instructions: 'x', voice: 'linjiajiejie' },
    transportFactory: factory,
    clock: new ManualClock(),
  });
  const t = () => factory.made.at(-1)!;
  const connected = session.connect();
  t().serverSend('{"type":"session.created"}'); // no session object at all: still "ready"
  await connected;
  const log = {
    audio: [] as string[],
    done: [] as string[],
    created: [] as string[],
    audioDone: [] as string[],
  };
  session.on('audio', (_pcm, m) => log.audio.push(m.responseId));
  session.on('audioDone', (m) => log.audioDone.push(m.responseId));
  session.on('responseCreated', (e) => log.created.push(e.responseId));
  session.on('responseDone', (e) => log.done.push(`${e.responseId}:${e.status}`));
  const send = (e: object) => t().serverSend(JSON.stringify(e));
  const delta = {
    type: 'response.audio.delta',
    item_id: 'msg_1',
    delta: encodePcm16Base64(new Int16Array(480)),
  };
  return { session, send, delta, log };
}

describe('reply attribution without response ids', () => {
  it('gives id-less deltas, the "traceid" audio.done and an id-less response.done to the reply in flight', async () => {
    const { session, send, delta, log } = await ready();
    send({ type: 'response.created', response: { id: 'resp_1' } });
    send(delta);
    send({ type: 'response.audio.done', response_id: 'traceid', item_id: 'msg_1' });
    send({ type: 'response.done', response: { output: [] } });
    expect(log).toMatchObject({ audio: ['resp_1'], audioDone: ['resp_1'], done: ['resp_1:completed'] });
    expect(session.diagnostics.total).toBe(0);
  });

  it("reads the connection's trace id in response_id as the reply in flight", async () => {
    const { send, delta, log } = await ready();
    send({ type: 'response.created', response: { id: 'resp_2' } });
    send(delta);
    send({ type: 'response.audio.done', response_id: 'trace-scripted', item_id: 'msg_1' }); // ScriptedTransport's X-Trace-Id
    expect(log.audioDone).toEqual(['resp_2']);
  });

  it('plays deltas that come without any response.created, and the next response.done ends them', async () => {
    const { session, send, delta, log } = await ready();
    send(delta);
    send(delta);
    send({ type: 'response.done', response: { id: 'resp_9', status: 'completed' } });
    expect(log.created).toHaveLength(1);
    expect(log.audio).toEqual([log.created[0], log.created[0]]);
    expect(log.done).toEqual([`${log.created[0]}:completed`]);
    expect(session.responding).toBe(false);
  });

  it('ends the reply at response.cancelled; its closing events and response.done are expected, not faults', async () => {
    const { session, send, delta, log } = await ready();
    send({ type: 'response.created', response: { id: 'resp_3' } });
    send(delta);
    session.cancelResponse();
    send({ type: 'response.cancelled', response_id: 'resp_3' });
    expect(log.done).toEqual(['resp_3:cancelled']);
    expect(session.responding).toBe(false);
    send(delta); // a delta already on the wire
    send({ type: 'response.audio.done', response_id: 'traceid', item_id: 'msg_1' });
    send({
      type: 'response.audio_transcript.done',
      response_id: 'resp_3',
      item_id: 'msg_1',
      transcript: 'Hel',
    });
    send({ type: 'response.done', response: { id: 'resp_3', status: 'cancelled' } });
    expect(log.audio).toEqual(['resp_3']);
    expect(log.done).toEqual(['resp_3:cancelled']);
    expect(session.diagnostics.total).toBe(0);
    expect(session.history.entries.at(-1)).toMatchObject({ role: 'assistant', text: 'Hel' });
  });

  it('still reports a reply id that was never started', async () => {
    const { session, send, delta } = await ready();
    send({ type: 'response.created', response: { id: 'resp_4' } });
    send({ ...delta, response_id: 'resp_other' });
    expect(session.diagnostics.snapshot().map((p) => p.detail)).toEqual([
      'ignored response.audio.delta: response resp_other: no reply with that id was started',
    ]);
  });
});
