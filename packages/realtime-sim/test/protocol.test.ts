// The simulator's protocol semantics, common to both dialects, driven by a bare WebSocket client.
import { afterEach, describe, expect, it } from 'vitest';
import { type Dialect, type RealtimeSim, startRealtimeSim } from '../src/index.ts';
import { estimatePitchHz, synthesizeSpeech, voicePitchHz } from '../src/voice-synth.ts';
import { errorCode, errorMessage, rawClient } from './raw-client.ts';

let sim: RealtimeSim;
afterEach(async () => {
  await sim.close();
});

const speechThenSilence = (speechMs: number) => {
  const s = synthesizeSpeech('qingchunshaonv', speechMs);
  const out = new Int16Array(s.length + 24_000);
  out.set(s);
  return out;
};

const MODEL: Record<Dialect, string> = { stepfun: 'stepaudio-2.5-realtime', openai: 'gpt-realtime' };

for (const dialect of ['stepfun', 'openai'] as const) {
  describe(`realtime-sim protocol (${dialect} dialect)`, () => {
    const start = async () => {
      sim = await startRealtimeSim({ apiKey: 'k', speed: 20, maxMessageBytes: 16_384, dialect });
      const c = rawClient(sim, MODEL[dialect]);
      await c.next('session.created');
      return c;
    };

    it('runs a server-VAD turn end to end with reply audio in the session voice', async () => {
      const c = await start();
      c.send({
        type: 'session.update',
        session: {
          voice: 'wenrounansheng',
          turn_detection: { type: 'server_vad', silence_duration_ms: 500 },
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
      expect(Number(started.audio_start_ms)).toBeLessThanOrEqual(100);
      const stopped = await c.next('input_audio_buffer.speech_stopped');
      const committed = await c.next('input_audio_buffer.committed');
      // One id names the user turn from speech_started on.
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
      expect((await c.next('rate_limits.updated')).rate_limits).toEqual([
        expect.objectContaining({ name: 'requests' }),
      ]);
      c.ws.close();
    });

    it('supports manual turns: commit then response.create', async () => {
      const c = await start();
      c.send({ type: 'session.update', session: { turn_detection: null } });
      await c.next('session.updated');
      c.append(synthesizeSpeech('x', 500));
      c.send({ type: 'input_audio_buffer.commit' });
      await c.next('input_audio_buffer.committed');
      c.send({ type: 'response.create' });
      await c.next('response.done');
      expect(sim.responses[0]?.heardMs).toBe(500);
      c.ws.close();
    });

    it('answers a text-only response.create (the guide\'s modalities ["text"]) with text and no audio', async () => {
      const c = await start();
      c.send({ type: 'response.create', response: { modalities: ['text'] } });
      const done = await c.next('response.text.done');
      expect(done.text).toBe(sim.responses[0]!.transcript);
      await c.next('response.done');
      expect(c.events.filter((e) => e.type === 'response.text.delta').length).toBeGreaterThan(1);
      expect(c.events.some((e) => e.type.startsWith('response.audio'))).toBe(false);
      c.ws.close();
    });

    it('takes a whole recorded message (conversation.item.create with input_audio) as the turn heard', async () => {
      const c = await start();
      const pcm = synthesizeSpeech('x', 200); // 12.8 KB of base64: inside this suite's 16 KiB message limit
      const audio = Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength).toString('base64');
      c.send({
        type: 'conversation.item.create',
        item: { type: 'message', role: 'user', content: [{ type: 'input_audio', audio }] },
      });
      await c.next('conversation.item.created');
      c.send({ type: 'response.create' });
      await c.next('response.done');
      expect(sim.responses[0]?.heardMs).toBe(200);
      c.ws.close();
    });

    it('answers malformed and unknown client events with errors and keeps the connection', async () => {
      const c = await start();
      c.ws.send('{oops');
      expect(errorCode(await c.next('error'))).toBe('invalid_json');
      c.send({ type: 'made.up', event_id: 'my_awesome_event' });
      const unknown = await c.next('error');
      expect(errorCode(unknown)).toBe('invalid_value');
      expect((unknown.error as { event_id: string }).event_id).toBe('my_awesome_event');
      c.send({ type: 'input_audio_buffer.append', audio: '***' });
      expect(errorMessage(await c.next('error'))).toMatch(/base64/);
      c.send({ type: 'input_audio_buffer.append', audio: Buffer.from([1, 2, 3]).toString('base64') });
      expect(errorMessage(await c.next('error'))).toMatch(/odd length/);
      c.send({ type: 'conversation.item.delete', item_id: 'nope' });
      expect(errorCode(await c.next('error'))).toBe('item_not_found');
      c.send({ type: 'response.cancel' });
      expect(errorMessage(await c.next('error'))).toBe('no ongoing response to cancel');
      c.ws.send('x'.repeat(20_000));
      expect(errorCode(await c.next('error'))).toBe('message_too_large');
      c.send({ type: 'session.update', session: { instructions: 'still alive' } });
      await c.next('session.updated');
      expect(sim.sessions[0]?.counters).toMatchObject({ received: 8, errors: 7 });
      expect(sim.sessions[0]?.config.instructions).toBe('still alive');
      c.ws.close();
    });

    it('locks the voice after the first audio reply, cancels, and truncates at audio_end_ms', async () => {
      const c = await start();
      c.send({ type: 'response.create', response: { instructions: 'greet' } });
      await c.next('response.done');
      expect(sim.responses[0]?.instructions).toBe('greet');
      c.send({ type: 'session.update', session: { voice: 'other-voice' } });
      expect(errorCode(await c.next('error'))).toBe('cannot_update_voice');
      const item = c.events.find((e) => e.type === 'response.audio.delta')!.item_id as string;
      c.send({ type: 'conversation.item.truncate', item_id: item, content_index: 0, audio_end_ms: 300 });
      expect((await c.next('conversation.item.truncated')).audio_end_ms).toBe(300);
      expect(sim.responses[0]?.truncatedAtMs).toBe(300);
      c.send({ type: 'conversation.item.truncate', item_id: item, content_index: 0, audio_end_ms: 999_999 });
      expect(errorCode(await c.next('error'))).toBe('invalid_value');
      c.ws.close();
    });

    it('refuses a wrong key with HTTP 401 and a JSON body', async () => {
      sim = await startRealtimeSim({ apiKey: 'k', dialect });
      const refused = await rawClient(sim, MODEL[dialect], 'nope').refused();
      expect(refused.status).toBe(401);
      expect(JSON.parse(refused.body)).toMatchObject({ error: { type: 'invalid_api_key' } });
    });
  });
}
