import { describe, expect, expectTypeOf, it } from 'vitest';
import { encodePcm16Base64 } from '../audio/pcm16-base64.ts';
import { type ProviderProfile, stepfunProfile, stepfunStatelessProfile } from '../provider/profiles.ts';
import { ManualClock } from '../testing/manual-clock.ts';
import { type ScriptedTransport, scriptedTransportFactory } from '../testing/scripted-transport.ts';
import type { RealtimeError } from './errors.ts';
import { RealtimeSession } from './realtime-session.ts';
import type { RealtimeSessionEvents } from './types.ts';

const API_KEY = 'sk-secret-123';

function setup(profile: ProviderProfile = stepfunProfile) {
  const clock = new ManualClock();
  const factory = scriptedTransportFactory(true);
  const errors: RealtimeError[] = [];
  const session = new RealtimeSession({
    url: 'wss://api.example/v1/realtime',
    model: 'step-2.5-realtime',
    apiKey: API_KEY,
    config: { instructions: 'You are Captain Mara.', voice: 'v1' },
    profile,
    transportFactory: factory,
    clock,
    random: () => 0.5,
  });
  session.on('error', (e) => errors.push(e));
  const current = (): ScriptedTransport => factory.made.at(-1)!;
  const accept = () => current().serverSend({ type: 'session.created', session: { id: 's' } });
  return { clock, factory, session, errors, current, accept };
}

async function ready(profile?: ProviderProfile) {
  const s = setup(profile);
  const connected = s.session.connect();
  s.accept();
  await connected;
  return s;
}

function reply(t: ScriptedTransport, id: string, item: string, samples: number, transcript?: string) {
  t.serverSend({ type: 'response.created', response: { id, status: 'in_progress' } });
  t.serverSend({
    type: 'response.audio.delta',
    response_id: id,
    item_id: item,
    delta: encodePcm16Base64(new Int16Array(samples).fill(100)),
  });
  if (transcript !== undefined) {
    t.serverSend({ type: 'response.audio_transcript.done', response_id: id, item_id: item, transcript });
  }
}

const done = (t: ScriptedTransport, id: string) =>
  t.serverSend({ type: 'response.done', response: { id, status: 'completed' } });

describe('RealtimeSession', () => {
  it('connects with the key in a header and the model in the URL, then configures the session', async () => {
    const { session, current } = await ready();
    expect(session.state.status).toBe('ready');
    // The launch articles' spelling is an alias: the id StepFun lists goes on the wire.
    expect(current().options.url).toBe('wss://api.example/v1/realtime?model=stepaudio-2.5-realtime');
    expect(current().options.headers.Authorization).toBe(`Bearer ${API_KEY}`);
    const update = current().sentOfType('session.update')[0]!;
    expect(update.session).toMatchObject({ voice: 'v1', turn_detection: { type: 'server_vad' } });
  });

  it('streams audio appends and emits decoded reply audio', async () => {
    const { session, current } = await ready();
    session.appendAudio(new Int16Array([1, 2, 3]));
    expect(current().sentOfType('input_audio_buffer.append')).toHaveLength(1);
    const chunks: Int16Array[] = [];
    session.on('audio', (pcm) => chunks.push(pcm));
    reply(current(), 'r1', 'i1', 480);
    expect(chunks[0]?.length).toBe(480);
  });

  it('fails for good on a rejected key, without printing the key', async () => {
    const { session, current, errors, factory } = setup();
    const connected = session.connect();
    current().serverClose(1006, '', {
      httpStatus: 401,
      httpBody: `{"error":{"message":"bad key ${API_KEY}"}}`,
    });
    await expect(connected).rejects.toThrow(/HTTP 401 .*bad key \[key\].*platform\.stepfun\.com/);
    expect(factory.made).toHaveLength(1); // not retried
    expect(session.state.status).toBe('closed');
    expect(errors[0]).toMatchObject({ code: 'auth_failed', recoverable: false });
    expect(errors[0]?.message).not.toContain(API_KEY);
  });

  it('stops on a refused model, naming the model tried and the ids the provider lists', async () => {
    const { session, current, errors } = await ready();
    current().serverSend({ type: 'error', error: { code: 'model_not_found', message: 'model not found' } });
    expect(errors[0]?.message).toMatch(/"stepaudio-2.5-realtime" \(configured as "step-2.5-realtime"\)/);
    expect(errors[0]?.message).toContain('stepaudio-3-realtime-preview');
    expect(session.state.status).toBe('closed');
  });

  it('reconnects with backoff after a drop and replays the conversation as text', async () => {
    const { session, current, clock, factory, accept } = await ready();
    session.addText('user', '[Alice]');
    current().serverSend({
      type: 'conversation.item.input_audio_transcription.completed',
      item_id: 'u1',
      transcript: 'Where are we sailing?',
    });
    reply(current(), 'r1', 'a1', 2400, 'To the northern isles.');
    done(current(), 'r1');
    const reconnected: string[] = [];
    session.on('reconnected', (e) => reconnected.push(e.reason));
    current().serverClose(1006, 'network');
    expect(session.state.status).toBe('reconnecting');
    session.appendAudio(new Int16Array(240)); // held, not lost
    clock.advance(10_000);
    expect(factory.made).toHaveLength(2);
    accept();
    expect(reconnected).toEqual(['reconnect']);
    const replayed = current()
      .sentOfType('conversation.item.create')
      .map((e) => e.item.content?.[0]?.text);
    expect(replayed).toEqual(['[Alice]', 'Where are we sailing?', 'To the northern isles.']);
    expect(current().sentOfType('input_audio_buffer.append')).toHaveLength(1);
  });

  it('gives up after the last backoff attempt with a non-recoverable error', async () => {
    const { session, current, clock, errors } = await ready();
    for (let i = 0; i < 9; i++) {
      current().serverClose(1006, 'down');
      clock.advance(60_000);
    }
    expect(session.state.status).toBe('closed');
    expect(errors.at(-1)).toMatchObject({ code: 'reconnect_exhausted', recoverable: false });
  });

  it('rolls over before the session cap, waiting for the reply in flight to finish', async () => {
    const { session, current, clock, factory, accept } = await ready();
    let rolled = 0;
    session.on('rolledOver', () => rolled++);
    reply(current(), 'r1', 'a1', 480, 'Aye.');
    clock.advance(25 * 60_000);
    expect(factory.made).toHaveLength(1); // mid-reply: wait
    done(current(), 'r1');
    expect(factory.made).toHaveLength(2);
    accept();
    expect(rolled).toBe(1);
    expect(
      current()
        .sentOfType('conversation.item.create')
        .map((e) => e.item.content?.[0]?.text),
    ).toEqual(['Aye.']);
  });

  it('a rollover owed when the connection dropped is not repeated on the fresh connection', async () => {
    const { session, current, clock, factory, accept } = await ready();
    reply(current(), 'r1', 'a1', 480);
    clock.advance(25 * 60_000); // rollover due, deferred: a reply is in flight
    current().serverClose(1006, 'network');
    clock.advance(10_000);
    accept();
    expect(session.state.status).toBe('ready');
    expect(factory.made).toHaveLength(2);
    reply(current(), 'r2', 'a2', 480);
    done(current(), 'r2');
    expect(factory.made).toHaveLength(2); // no rollover right after a reconnect
  });

  it('truncates at the heard position and keeps only the heard part of the transcript', async () => {
    const { session, current } = await ready();
    reply(current(), 'r1', 'a1', 24_000, 'one two three four five six seven eight nine ten');
    session.truncate('a1', 500);
    expect(current().sentOfType('conversation.item.truncate')[0]).toMatchObject({
      item_id: 'a1',
      audio_end_ms: 500,
    });
    expect(session.history.entries.at(-1)?.text).toBe('one two three four five…');
  });

  it('soft-cancels where the provider ignores response.cancel: later deltas are dropped locally', async () => {
    const { session, current } = await ready(stepfunStatelessProfile);
    const heard: Int16Array[] = [];
    session.on('audio', (pcm) => heard.push(pcm));
    reply(current(), 'r1', 'a1', 480);
    session.cancelResponse();
    reply(current(), 'r1', 'a1', 480);
    expect(heard).toHaveLength(1);
    expect(current().sentOfType('response.cancel')).toHaveLength(0);
    const statuses: string[] = [];
    session.on('responseDone', (e) => statuses.push(e.status));
    done(current(), 'r1');
    expect(statuses).toEqual(['cancelled']);
  });

  it('sends response.cancel where the provider honours it', async () => {
    const { session, current } = await ready();
    reply(current(), 'r1', 'a1', 480);
    session.cancelResponse();
    expect(current().sentOfType('response.cancel')).toHaveLength(1);
  });

  it('holds appends while a reply streams when the server rejects them, then flushes', async () => {
    const { session, current } = await ready();
    reply(current(), 'r1', 'a1', 480);
    current().serverSend({
      type: 'error',
      error: { code: 'invalid_state', message: 'audio already committed' },
    });
    session.appendAudio(new Int16Array(480));
    session.appendAudio(new Int16Array(480));
    expect(current().sentOfType('input_audio_buffer.append')).toHaveLength(0);
    done(current(), 'r1');
    expect(current().sentOfType('input_audio_buffer.append')).toHaveLength(2);
  });

  it('bounds held audio to 3 s and counts what it drops', async () => {
    const { session, current } = await ready(stepfunStatelessProfile);
    reply(current(), 'r1', 'a1', 480);
    for (let i = 0; i < 40; i++) session.appendAudio(new Int16Array(2400)); // 4 s
    expect(session.droppedInputSamples).toBe(24_000);
  });

  it('switches voice on the same connection before any audio, and by reconnecting after', async () => {
    const { session, current, factory, accept } = await ready();
    expect(await session.update({ voice: 'v2' })).toEqual({ newConnection: false });
    expect(current().sentOfType('session.update').at(-1)?.session.voice).toBe('v2');
    reply(current(), 'r1', 'a1', 480, 'Hello.');
    done(current(), 'r1');
    const switching = session.update({ voice: 'v3' });
    expect(factory.made).toHaveLength(2);
    accept();
    expect(await switching).toEqual({ newConnection: true });
    expect(current().sentOfType('session.update')[0]?.session.voice).toBe('v3');
    expect(
      current()
        .sentOfType('conversation.item.create')
        .map((e) => e.item.content?.[0]?.text),
    ).toEqual(['Hello.']);
    expect(factory.made[0]?.status).toBe('closed');
  });

  it('reset forgets the conversation and starts a fresh connection', async () => {
    const { session, current, accept } = await ready();
    session.addText('user', 'remember me');
    const resetting = session.reset();
    accept();
    await resetting;
    expect(current().sentOfType('conversation.item.create')).toHaveLength(0);
    expect(session.history.entries).toHaveLength(0);
  });

  it('survives malformed and unknown events, reporting each as a recoverable error or passthrough', async () => {
    const { session, current, errors } = await ready();
    const unknown: string[] = [];
    session.on('serverEvent', (e) => e.type === 'unknown' && unknown.push(e.eventType));
    current().serverSend('{not json');
    current().serverSend('{"type":"response.audio.delta","delta":7}');
    current().serverSend('{"type":"vendor.heartbeat"}');
    expect(errors.map((e) => [e.code, e.recoverable])).toEqual([
      ['protocol_invalid_event', true],
      ['protocol_invalid_event', true],
    ]);
    expect(unknown).toEqual(['vendor.heartbeat']);
    session.appendAudio(new Int16Array(10));
    expect(current().sentOfType('input_audio_buffer.append')).toHaveLength(1);
  });

  it('ignores events and closes from a replaced or closed connection', async () => {
    const { session, current } = await ready();
    const old = current();
    session.close();
    expect(() => old.serverSend({ type: 'error', error: { message: 'late' } })).not.toThrow();
    old.serverClose(1006, 'late');
    expect(session.state.status).toBe('closed');
  });

  it('has typed event tuples', () => {
    expectTypeOf<RealtimeSessionEvents['audio']>().toEqualTypeOf<
      [pcm: Int16Array, meta: { responseId: string; itemId: string }]
    >();
  });
});
