// The simulator driven by a bare WebSocket client written the way any OpenAI-Realtime client is:
// nothing from this repo on the client side, so the wire format itself is what is tested.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type RealtimeSim, startRealtimeSim } from '../src/index.ts';
import { estimatePitchHz, synthesizeSpeech, voicePitchHz } from '../src/voice-synth.ts';

type Ev = { type: string; [k: string]: unknown };

let sim: RealtimeSim;
beforeEach(async () => {
  sim = await startRealtimeSim({ apiKey: 'k', speed: 20, maxMessageBytes: 16_384 });
});
afterEach(async () => {
  await sim.close();
});

function client(key = 'k', model = 'step-2.5-realtime') {
  const ws = new WebSocket(`${sim.url}?model=${model}`, { headers: { Authorization: `Bearer ${key}` } });
  const events: Ev[] = [];
  const waiters: { type: string; resolve: (e: Ev) => void }[] = [];
  ws.on('message', (d) => {
    const e = JSON.parse(d.toString()) as Ev;
    events.push(e);
    for (const w of waiters.filter((w) => w.type === e.type).slice(0, 1)) {
      waiters.splice(waiters.indexOf(w), 1);
      (e as { _taken?: boolean })._taken = true;
      w.resolve(e);
    }
  });
  const next = (type: string) =>
    new Promise<Ev>((resolve) => {
      const seen = events.find((e) => e.type === type && !(e as { _taken?: boolean })._taken);
      if (seen) {
        (seen as { _taken?: boolean })._taken = true;
        resolve(seen);
      } else waiters.push({ type, resolve });
    });
  const send = (e: object) => ws.send(JSON.stringify(e));
  const append = (pcm: Int16Array) => {
    for (let at = 0; at < pcm.length; at += 2400) {
      send({
        type: 'input_audio_buffer.append',
        audio: Buffer.from(
          pcm.subarray(at, at + 2400).buffer.slice(at * 2, Math.min(pcm.length, at + 2400) * 2),
        ).toString('base64'),
      });
    }
  };
  return { ws, events, next, send, append };
}

const speechThenSilence = (speechMs: number) => {
  const s = synthesizeSpeech('qingchunshaonv', speechMs);
  const out = new Int16Array(s.length + 24_000);
  out.set(s);
  return out;
};

describe('realtime-sim protocol', () => {
  it('runs a server-VAD turn end to end with reply audio in the session voice', async () => {
    const c = client();
    await c.next('session.created');
    c.send({
      type: 'session.update',
      session: {
        voice: 'wenrounansheng',
        turn_detection: { type: 'server_vad' },
        input_audio_transcription: {},
      },
    });
    await c.next('session.updated');
    c.send({
      type: 'conversation.item.create',
      item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: '[Alice]' }] },
    });
    c.append(speechThenSilence(1200));
    const simDone = sim.once('response.done');
    const started = await c.next('input_audio_buffer.speech_started');
    expect(started.audio_start_ms).toBeLessThanOrEqual(100);
    const stopped = await c.next('input_audio_buffer.speech_stopped');
    const committed = await c.next('input_audio_buffer.committed');
    // One id names the user turn from speech_started on, as OpenAI does.
    expect(stopped.item_id).toBe(started.item_id);
    expect(committed.item_id).toBe(started.item_id);
    const transcription = await c.next('conversation.item.input_audio_transcription.completed');
    expect(transcription.transcript).toMatch(/^\(1\.\d s of speech\)$/);
    const done = await c.next('response.done');
    const [logged] = await simDone;
    expect(logged.responseId).toBe((done.response as { id: string }).id);
    expect((done.response as { status: string }).status).toBe('completed');
    const audio = Buffer.concat(
      c.events
        .filter((e) => e.type === 'response.audio.delta')
        .map((e) => Buffer.from(e.delta as string, 'base64')),
    );
    const pcm = new Int16Array(audio.buffer, audio.byteOffset, audio.byteLength / 2);
    expect(Math.abs(estimatePitchHz(pcm, 24_000) - voicePitchHz('wenrounansheng'))).toBeLessThan(5);
    const r = sim.responses[0]!;
    expect(r.labels).toEqual(['Alice']);
    expect(r.heardMs).toBeGreaterThan(1100);
    expect(r.transcript).toMatch(/^Alice, I heard you for 1\.\d seconds/);
    expect(pcm.length).toBe((r.audioMs * 24_000) / 1000);
    c.ws.close();
  });

  it('supports manual turns: commit then response.create', async () => {
    const c = client();
    await c.next('session.created');
    c.append(synthesizeSpeech('x', 500));
    c.send({ type: 'input_audio_buffer.commit' });
    await c.next('input_audio_buffer.committed');
    c.send({ type: 'response.create' });
    await c.next('response.done');
    expect(sim.responses[0]?.heardMs).toBe(500);
    c.ws.close();
  });

  it('refuses a wrong key with HTTP 401 and an unknown model with the model_not_found error', async () => {
    const bad = client('nope');
    const status = await new Promise<number>((resolve) =>
      bad.ws.on('unexpected-response', (_q, res) => resolve(res.statusCode ?? 0)),
    );
    expect(status).toBe(401);
    const wrongModel = client('k', 'gpt-4o-realtime');
    const err = await wrongModel.next('error');
    expect((err.error as { code: string }).code).toBe('model_not_found');
    expect((err.error as { message: string }).message).toContain('step-2.5-realtime');
  });

  it('answers malformed and unknown client events with errors and keeps the connection', async () => {
    const c = client();
    await c.next('session.created');
    c.ws.send('{oops');
    expect(((await c.next('error')).error as { code: string }).code).toBe('invalid_json');
    c.send({ type: 'made.up' });
    expect(((await c.next('error')).error as { code: string }).code).toBe('invalid_value');
    c.send({ type: 'input_audio_buffer.append', audio: '***' });
    expect(((await c.next('error')).error as { message: string }).message).toMatch(/base64/);
    c.send({ type: 'input_audio_buffer.append', audio: Buffer.from([1, 2, 3]).toString('base64') });
    expect(((await c.next('error')).error as { message: string }).message).toMatch(/odd length/);
    c.send({ type: 'conversation.item.delete', item_id: 'nope' });
    expect(((await c.next('error')).error as { code: string }).code).toBe('item_not_found');
    c.send({ type: 'response.cancel' });
    expect(((await c.next('error')).error as { code: string }).code).toBe('response_cancel_not_active');
    c.ws.send('x'.repeat(20_000));
    expect(((await c.next('error')).error as { code: string }).code).toBe('message_too_large');
    c.send({ type: 'session.update', session: { instructions: 'still alive' } });
    await c.next('session.updated');
    expect(sim.sessions[0]?.counters).toMatchObject({ received: 8, errors: 7 });
    expect(sim.sessions[0]?.config.instructions).toBe('still alive');
    c.ws.close();
  });

  it('locks the voice after the first audio reply, cancels, and truncates at audio_end_ms', async () => {
    const c = client();
    await c.next('session.created');
    c.send({ type: 'response.create', response: { instructions: 'greet' } });
    const first = await c.next('response.done');
    c.send({ type: 'session.update', session: { voice: 'other-voice' } });
    expect(((await c.next('error')).error as { code: string }).code).toBe('cannot_update_voice');
    const item = c.events.find((e) => e.type === 'response.audio.delta')!.item_id as string;
    c.send({ type: 'conversation.item.truncate', item_id: item, content_index: 0, audio_end_ms: 300 });
    expect((await c.next('conversation.item.truncated')).audio_end_ms).toBe(300);
    expect(sim.responses[0]?.truncatedAtMs).toBe(300);
    expect(first.type).toBe('response.done');
    c.send({ type: 'conversation.item.truncate', item_id: item, content_index: 0, audio_end_ms: 999_999 });
    expect(((await c.next('error')).error as { code: string }).code).toBe('invalid_value');
    c.ws.close();
  });
});
