// Server events out of order, against the session with a scripted transport: each is reported
// once with its event type, nothing is played or recorded for a reply that is not in flight.
import { describe, expect, it } from 'vitest';
import { encodePcm16Base64 } from '../audio/pcm16-base64.ts';
import { ManualClock } from '../testing/manual-clock.ts';
import { scriptedTransportFactory } from '../testing/scripted-transport.ts';
import type { Clock, Logger } from './clock.ts';
import { RealtimeSession } from './realtime-session.ts';

function open(clock: Clock = new ManualClock()) {
  const lines: { level: string; obj: Record<string, unknown> }[] = [];
  const at = (level: string) => (obj: object) =>
    void lines.push({ level, obj: obj as Record<string, unknown> });
  const logger: Logger = { debug: () => {}, info: at('info'), warn: at('warn'), error: at('error') };
  const factory = scriptedTransportFactory(true);
  const session = new RealtimeSession({
    url: 'wss://api.example/v1/realtime',
    model: 'm',
    apiKey: 'k',
    config: { instructions: 'i', voice: 'v' },
    transportFactory: factory,
    clock,
    logger,
    random: () => 0.5,
  });
  const seen = { audio: 0, created: [] as string[], done: [] as string[], finals: [] as string[] };
  session.on('audio', (pcm) => {
    seen.audio += pcm.length;
  });
  session.on('responseCreated', (e) => seen.created.push(e.responseId));
  session.on('responseDone', (e) => seen.done.push(`${e.responseId}:${e.status}`));
  session.on('transcript', (t) => t.final && seen.finals.push(t.text));
  const connected = session.connect();
  const t = () => factory.made.at(-1)!;
  const problems = () => lines.filter((l) => l.obj.problem).map((l) => `${l.obj.problem} ${l.obj.eventType}`);
  return { session, t, seen, lines, problems, factory, connected };
}

async function ready() {
  const s = open();
  s.t().serverSend({ type: 'session.created', session: { id: 's' } });
  await s.connected;
  return s;
}

const pcm = encodePcm16Base64(new Int16Array(480).fill(7));
const delta = (r: string) => ({
  type: 'response.audio.delta' as const,
  response_id: r,
  item_id: `i-${r}`,
  delta: pcm,
});
const created = (id: string) => ({ type: 'response.created' as const, response: { id } });
const done = (id: string) => ({ type: 'response.done' as const, response: { id, status: 'completed' } });
const transcriptDone = (r: string, text: string) => ({
  type: 'response.audio_transcript.done' as const,
  response_id: r,
  item_id: `i-${r}`,
  transcript: text,
});

describe('RealtimeSession: events out of order', () => {
  it('drops deltas and transcripts for a reply that was never started, reporting each kind once', async () => {
    const { session, t, seen, problems } = await ready();
    for (let i = 0; i < 3; i++) t().serverSend(delta('ghost'));
    t().serverSend(transcriptDone('ghost', 'words nobody asked for'));
    expect(seen.audio).toBe(0);
    expect(session.history.entries).toHaveLength(0);
    expect(problems()).toEqual([
      'out_of_order response.audio.delta',
      'out_of_order response.audio_transcript.done',
    ]);
    expect(session.diagnostics.byKind()).toEqual({ out_of_order: 4 });
  });

  it('response.done before response.created: reported, and the late created does not start a reply', async () => {
    const { session, t, seen, problems } = await ready();
    t().serverSend(done('r9'));
    t().serverSend(created('r9'));
    t().serverSend(delta('r9'));
    expect(seen).toMatchObject({ audio: 0, created: [], done: [] });
    expect(session.responding).toBe(false);
    expect(problems()).toEqual([
      'out_of_order response.done',
      'out_of_order response.created',
      'out_of_order response.audio.delta',
    ]);
  });

  it('a duplicate response.done ends the reply once; the late transcript is still kept', async () => {
    const { session, t, seen, problems } = await ready();
    t().serverSend(created('r1'));
    t().serverSend(delta('r1'));
    t().serverSend(done('r1'));
    t().serverSend(done('r1'));
    t().serverSend(transcriptDone('r1', 'Aye, captain.'));
    expect(seen.done).toEqual(['r1:completed']);
    expect(seen.finals).toEqual(['Aye, captain.']);
    expect(session.history.entries.map((e) => e.text)).toEqual(['Aye, captain.']);
    expect(problems()).toEqual(['out_of_order response.done', 'out_of_order response.audio_transcript.done']);
  });

  it('a reply started over another one interrupts the first', async () => {
    const { t, seen, problems } = await ready();
    t().serverSend(created('r1'));
    t().serverSend(created('r2'));
    t().serverSend(delta('r1'));
    t().serverSend(delta('r2'));
    t().serverSend(done('r2'));
    expect(seen.done).toEqual(['r1:interrupted', 'r2:completed']);
    expect(seen.audio).toBe(480);
    expect(problems()).toEqual(['out_of_order response.created', 'out_of_order response.audio.delta']);
  });

  it('a connection lost mid-reply ends that reply for listeners, once', async () => {
    const { session, t, seen, factory } = await ready();
    t().serverSend(created('r1'));
    t().serverSend(delta('r1'));
    t().serverClose(1006, 'gone');
    expect(seen.done).toEqual(['r1:interrupted']);
    expect(session.responding).toBe(false);
    expect(factory.made).toHaveLength(1);
    session.close();
    expect(seen.done).toEqual(['r1:interrupted']);
  });

  it('reports a truncation confirmation the client never asked for', async () => {
    const { session, t, problems } = await ready();
    t().serverSend(created('r1'));
    t().serverSend(delta('r1'));
    session.truncate('i-r1', 10);
    t().serverSend({ type: 'conversation.item.truncated', item_id: 'i-r1', audio_end_ms: 10 });
    expect(problems()).toEqual([]);
    t().serverSend({ type: 'conversation.item.truncated', item_id: 'nope', audio_end_ms: 10 });
    expect(problems()).toEqual(['out_of_order conversation.item.truncated']);
  });

  it('reports binary frames and a second session.created, and keeps working', async () => {
    const { session, t, seen, problems } = await ready();
    // The scripted transport only sends text; a real socket hands binary frames over as bytes.
    const raw = t() as unknown as { emit(event: 'message', data: Uint8Array): void };
    raw.emit('message', new Uint8Array([0x7b, 0x7d]));
    t().serverSend({ type: 'session.created', session: { id: 's2' } });
    t().serverSend(created('r1'));
    t().serverSend(delta('r1'));
    expect(problems()).toEqual(['binary_frame undefined', 'out_of_order session.created']);
    expect(seen.audio).toBe(480);
    expect(session.state.status).toBe('ready');
  });

  it('a fault while handling an event is reported, not thrown into the socket callback', async () => {
    const clock = new ManualClock();
    // A clock that refuses the rollover timer makes handling session.created throw.
    const faulty: Clock = {
      now: () => clock.now(),
      setTimeout: (fn, ms) => {
        if (ms > 60_000) throw new Error('timer refused');
        return clock.setTimeout(fn, ms);
      },
      clearTimeout: (h) => clock.clearTimeout(h),
      setInterval: (fn, ms) => clock.setInterval(fn, ms),
      clearInterval: (h) => clock.clearInterval(h),
    };
    const { session, t, problems, lines, connected } = open(faulty);
    const outcome = connected.catch((e: Error) => e.message);
    expect(() => t().serverSend({ type: 'session.created', session: { id: 's' } })).not.toThrow();
    expect(problems()).toEqual(['handler_threw session.created']);
    expect(lines.find((l) => l.obj.problem !== undefined)!.obj.detail).toMatch(/timer refused/);
    session.close();
    expect(await outcome).toMatch(/closed before it was ready/);
  });
});
