// A persona answers audibly when the server sends exactly what StepFun's docs show. A bare WebSocket
// server plays the published samples (protocol/stepfun-samples.ts) in the order of the developer
// guide's audio event table ("使用 WebSocket 处理音频"); the only change is the audio itself: the
// samples' `delta` is the placeholder "Base64EncodedAudioDelta", replaced by real PCM16 in the
// field the reference documents for it. Everything else goes out byte for byte as printed,
// including the doc errors (session.updated typed session.created, response.created printed as a
// response.done, deltas without response_id, audio.done with "traceid").
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import {
  encodePcm16Base64,
  personaSchema,
  personaToSessionConfig,
  RealtimeSession,
  STEPFUN_SAMPLES,
} from '../src/index.ts';

const sample = (type: string, section?: string): Record<string, unknown> => {
  const found = STEPFUN_SAMPLES.find(
    (s) => s.direction === 'server' && (section ? s.section === section : JSON.parse(s.json).type === type),
  );
  if (!found) throw new Error(`no published sample for ${type}`);
  return JSON.parse(found.json) as Record<string, unknown>;
};

const REPLY_CHUNKS = Array.from({ length: 5 }, (_, k) =>
  Int16Array.from({ length: 2400 }, (_, i) =>
    Math.round(6000 * Math.sin((2 * Math.PI * 220 * (k * 2400 + i)) / 24_000)),
  ),
);

/** The guide's event order for one spoken turn and its reply, each event as its published sample. */
function turnAndReply(): Record<string, unknown>[] {
  const audio = REPLY_CHUNKS.map((pcm) => ({
    ...sample('response.audio.delta'),
    delta: encodePcm16Base64(pcm),
  }));
  return [
    sample('input_audio_buffer.speech_started'),
    sample('input_audio_buffer.speech_stopped'),
    sample('input_audio_buffer.committed'),
    sample('conversation.item.created', '会话消息创建响应'),
    sample('conversation.item.input_audio_transcription.completed'),
    sample('response.done', '推理创建响应'), // the response.created section's sample, as printed
    sample('response.output_item.added'),
    sample('response.content_part.added'),
    ...audio.slice(0, 2),
    sample('response.audio_transcript.delta'),
    ...audio.slice(2),
    sample('response.audio.done'),
    sample('response.audio_transcript.done'),
    sample('response.content_part.done'),
    sample('response.output_item.done'),
    sample('response.done', '推理结束响应'),
  ];
}

let server: WebSocketServer | undefined;
let session: RealtimeSession | undefined;
afterEach(async () => {
  session?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
});

describe("a persona against StepFun's published samples", () => {
  it('answers audibly: every reply sample plays, the transcripts land, the reply ends once', async () => {
    server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((r) => server!.once('listening', () => r()));
    server.on('connection', (ws) => {
      const send = (e: object) => ws.send(JSON.stringify(e));
      send(sample('session.created', '创建 session 响应'));
      let turnPlayed = false;
      ws.on('message', (data) => {
        const type = (JSON.parse(data.toString()) as { type: string }).type;
        if (type === 'session.update') send(sample('session.created', '更新 session 响应'));
        if (type === 'input_audio_buffer.append' && !turnPlayed) {
          turnPlayed = true;
          for (const e of turnAndReply()) send(e);
        }
      });
    });
    const persona = personaSchema.parse({
      id: 'xiaoyue',
      name: '小跃',
      description: 'A warm, witty companion.',
      instructions: 'Chat like a close friend.',
      voice: 'linjiajiejie',
      language: 'zh',
    });
    const { port } = server.address() as AddressInfo;
    const s = new RealtimeSession({
      url: `ws://127.0.0.1:${port}/v1/realtime`,
      model: 'stepaudio-2.5-realtime',
      apiKey: 'k',
      config: {
        ...personaToSessionConfig(persona),
        turnDetection: { type: 'server_vad', silenceDurationMs: 500 },
      },
    });
    session = s;
    const heard: Int16Array[] = [];
    const done: { status: string }[] = [];
    const finals: { role: string; text: string }[] = [];
    const speech: number[] = [];
    let audioDone = 0;
    s.on('audio', (pcm) => heard.push(pcm));
    s.on('audioDone', () => audioDone++);
    s.on('responseDone', (e) => done.push(e));
    s.on('transcript', (t) => t.final && finals.push({ role: t.role, text: t.text }));
    s.on('speechStarted', (e) => speech.push(e.audioStartMs));
    await s.connect();
    s.appendAudio(new Int16Array(480));
    await new Promise<void>((resolve) => s.on('responseDone', () => resolve()));

    const sent = REPLY_CHUNKS.reduce((n, c) => n + c.length, 0);
    expect(heard.reduce((n, c) => n + c.length, 0)).toBe(sent);
    expect(Array.from(heard.flatMap((c) => Array.from(c)).slice(0, 5))).toEqual(
      Array.from(REPLY_CHUNKS[0]!.slice(0, 5)),
    );
    expect(audioDone).toBe(1);
    expect(done).toEqual([expect.objectContaining({ status: 'completed' })]);
    expect(finals).toEqual([
      { role: 'user', text: '你好' },
      { role: 'assistant', text: 'Hello, how can I assist you today?' },
    ]);
    expect(speech).toEqual([1000]);
    expect(s.state.status).toBe('ready');
    // Only the doc error that cannot be read any other way is reported: a response.done for a reply that
    // had not started yet (the response.created section's sample).
    expect(s.diagnostics.snapshot().map((p) => `${p.kind} ${p.eventType}`)).toEqual([
      'out_of_order response.done',
    ]);
  });
});
