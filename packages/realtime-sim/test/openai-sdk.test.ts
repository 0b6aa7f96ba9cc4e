// An outside client: the official `openai` npm SDK's beta realtime WebSocket client (the protocol
// generation StepFun's console ships, openai-realtime-api-beta) drives the simulator over wss://.
// Nobody here wrote this client, so a turn, a truncation and a cancel going through proves the
// simulator speaks the protocol, not merely our own client's reading of it.
import OpenAI from 'openai';
import { OpenAIRealtimeWS } from 'openai/beta/realtime/ws';
import { generate } from 'selfsigned';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Dialect, type RealtimeSim, startRealtimeSim } from '../src/index.ts';
import { synthesizeSpeech } from '../src/voice-synth.ts';

let tls: { key: string; cert: string };
beforeAll(async () => {
  const now = Date.now();
  const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keyType: 'ec',
    curve: 'P-256',
    notBeforeDate: new Date(now - 60_000),
    notAfterDate: new Date(now + 86_400_000),
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
  });
  tls = { key: pems.private, cert: pems.cert };
});

let sim: RealtimeSim | undefined;
let rt: OpenAIRealtimeWS | undefined;
afterEach(async () => {
  rt?.close();
  await sim?.close();
  sim = undefined;
  rt = undefined;
});

type AnyEvent = { type: string; [k: string]: unknown };

async function connect(dialect: Dialect, model: string, options: { replyMs?: number; speed?: number } = {}) {
  sim = await startRealtimeSim({
    apiKey: 'sk-outside',
    tls,
    dialect,
    speed: options.speed ?? 20,
    ...options,
  });
  const client = new OpenAI({
    apiKey: 'sk-outside',
    baseURL: sim.url.replace('wss://', 'https://').replace(/\/realtime$/, ''),
  });
  const socket = new OpenAIRealtimeWS({ model, options: { ca: tls.cert } }, client);
  rt = socket;
  const events: AnyEvent[] = [];
  const errors: unknown[] = [];
  socket.on('event', (e) => events.push(e as unknown as AnyEvent));
  socket.on('error', (e) => errors.push(e));
  const until = (predicate: () => boolean) => sim!.waitFor(() => predicate() || undefined);
  const next = async (type: string, after = 0) => {
    await until(() => events.slice(after).some((e) => e.type === type));
    return events.slice(after).find((e) => e.type === type)!;
  };
  await next('session.created');
  return { socket, events, errors, next, until };
}

const pcmBase64 = (pcm: Int16Array) =>
  Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength).toString('base64');

const MODELS: Record<Dialect, string> = { stepfun: 'stepaudio-2.5-realtime', openai: 'gpt-realtime' };

for (const dialect of ['stepfun', 'openai'] as const) {
  describe(`the openai SDK (beta realtime WS) against realtime-sim (${dialect} dialect)`, () => {
    it('runs one turn: session.update, appended audio, commit, response.create, reply audio', async () => {
      const { socket, events, errors, next } = await connect(dialect, MODELS[dialect]);
      // Manual turns. The SDK's types leave out `null`, which the beta protocol (and StepFun) use for "off".
      const manual = null as unknown as { type: 'server_vad' };
      socket.send({
        type: 'session.update',
        session: { voice: 'wenrounansheng', instructions: 'Be brief.', turn_detection: manual },
      });
      await next('session.updated');
      socket.send({
        type: 'conversation.item.create',
        item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: '[Alice]' }] },
      });
      socket.send({ type: 'input_audio_buffer.append', audio: pcmBase64(synthesizeSpeech('alice', 800)) });
      socket.send({ type: 'input_audio_buffer.commit' });
      await next('input_audio_buffer.committed');
      socket.send({ type: 'response.create' });
      const done = await next('response.done');
      expect((done.response as { status: string }).status).toBe('completed');
      const audioBytes = events
        .filter((e) => e.type === 'response.audio.delta')
        .reduce((n, e) => n + Buffer.from(e.delta as string, 'base64').length, 0);
      const r = sim!.responses[0]!;
      expect(r).toMatchObject({
        labels: ['Alice'],
        heardMs: 800,
        voice: 'wenrounansheng',
        status: 'completed',
      });
      expect(audioBytes).toBe(((r.audioMs * 24_000) / 1000) * 2);
      const transcript = events.find((e) => e.type === 'response.audio_transcript.done')!;
      expect(transcript.transcript).toBe(r.transcript);
      expect(errors).toEqual([]);
    });

    it('truncates a reply at what was heard and cancels one in flight', async () => {
      const { socket, events, errors, next, until } = await connect(dialect, MODELS[dialect], {
        replyMs: 3000,
        speed: 2,
      });
      socket.send({ type: 'response.create', response: { instructions: 'greet' } });
      await until(() => events.filter((e) => e.type === 'response.audio.delta').length >= 2);
      const itemId = events.find((e) => e.type === 'response.audio.delta')!.item_id as string;
      const before = events.length;
      socket.send({ type: 'response.cancel' });
      const done = await next('response.done', before);
      expect((done.response as { status: string }).status).toBe('cancelled');
      if (dialect === 'stepfun')
        expect(events.slice(before).some((e) => e.type === 'response.cancelled')).toBe(true);
      socket.send({
        type: 'conversation.item.truncate',
        item_id: itemId,
        content_index: 0,
        audio_end_ms: 120,
      });
      const truncated = await next('conversation.item.truncated');
      expect(truncated).toMatchObject({ item_id: itemId, audio_end_ms: 120 });
      expect(sim!.responses[0]).toMatchObject({ cancelled: true, status: 'cancelled', truncatedAtMs: 120 });
      expect(errors).toEqual([]);
    });

    it("surfaces the server's error events through the SDK's error channel", async () => {
      const { socket, errors, until } = await connect(dialect, MODELS[dialect]);
      socket.send({ type: 'conversation.item.delete', item_id: 'nope' } as never);
      await until(() => errors.length === 1);
      expect(String(errors[0])).toMatch(/item_not_found/);
    });
  });
}
