// Issue 7: the model socket is killed in the middle of a reply, 100 times in a row. The real
// RealtimeSession (real `ws` transport) against realtime-sim over loopback sockets.

import { type DropMode, type RealtimeSim, startRealtimeSim } from '@troupe/realtime-sim';
import { afterEach, describe, expect, it } from 'vitest';
import { RealtimeSession } from '../src/index.ts';
import { captureLogger, DIALECTS, speak, speechTurn, trackCrashes } from './harness.ts';

const CYCLES = 100;
/** Each way a socket dies: TCP gone with no close frame, a 1011 close, a frame the client must refuse. */
const MODES: DropMode[] = ['terminate', 'close', 'corrupt'];
const CHUNK_SAMPLES = 2400; // the simulator's 100 ms delta

let sim: RealtimeSim | undefined;
let session: RealtimeSession | undefined;
afterEach(async () => {
  session?.close();
  await sim?.close();
  sim = undefined;
  session = undefined;
});

for (const { dialect, model, profile } of DIALECTS)
  describe(`model socket killed mid-reply (${dialect} dialect)`, () => {
    it(`recovers ${CYCLES} times in a row with the conversation intact and no reply twice`, async () => {
      const crashes = trackCrashes();
      sim = await startRealtimeSim({ apiKey: 'k', speed: 50, replyMs: 300, firstDeltaDelayMs: 5, dialect });
      const { logger, lines } = captureLogger();
      const s = new RealtimeSession({
        url: sim.url,
        model,
        profile,
        apiKey: 'k',
        config: {
          instructions: 'You are Captain Mara.',
          voice: 'elegantgentle-female',
          inputTranscription: true,
          turnDetection: { type: 'server_vad', silenceDurationMs: 200 },
        },
        // Small backoff so 100 reconnects take seconds; room to hold the whole conversation.
        backoff: { baseMs: 4, maxMs: 16, maxAttempts: 8 },
        // 100 kills in a few seconds is the point of this test: far past any production reconnect budget.
        reconnectBudget: { perSession: { max: 10 * CYCLES, windowMs: 60_000 }, process: null },
        history: { maxItems: 1000, maxChars: 200_000 },
        logger,
      });
      session = s;
      const audio = new Map<string, number>();
      const done = new Map<string, string[]>();
      const afterDone: string[] = [];
      let reconnects = 0;
      const errors: string[] = [];
      s.on('audio', (pcm, meta) => {
        if (done.has(meta.responseId)) afterDone.push(meta.responseId);
        audio.set(meta.responseId, (audio.get(meta.responseId) ?? 0) + pcm.length);
      });
      s.on('responseDone', (e) => done.set(e.responseId, [...(done.get(e.responseId) ?? []), e.status]));
      s.on('reconnected', (e) => e.reason === 'reconnect' && reconnects++);
      s.on('error', (e) => errors.push(e.code));
      await s.connect();

      const turn = speechTurn(300, 400);
      const until = (cond: () => boolean) => sim!.waitFor(() => cond() || undefined, 10_000);
      for (let i = 1; i <= CYCLES; i++) {
        sim.faults.dropNextResponse(MODES[i % MODES.length]);
        s.addText('user', `[Guest ${i}]`);
        speak(s, turn); // server VAD ends the turn and starts a reply; the socket dies after its first delta
        await until(() => reconnects === i && s.state.status === 'ready');
        s.createResponse(); // the app asks again on the new connection
        await until(() => sim!.responses.filter((r) => r.status === 'completed').length === i);
        await until(() => done.size === 2 * i);
      }

      // Recovered every time: one reconnect per kill, one server session per connection.
      expect(reconnects).toBe(CYCLES);
      expect(sim.sessions).toHaveLength(CYCLES + 1);
      expect(errors.filter((c) => c !== 'connect_failed')).toEqual([]);
      expect(errors).toHaveLength(CYCLES);
      expect(s.state.status).toBe('ready');

      // No duplicate replies: the server was asked for exactly one reply per turn and one retry.
      const killed = sim.responses.filter((r) => r.status === 'in_progress');
      const completed = sim.responses.filter((r) => r.status === 'completed');
      expect(sim.responses).toHaveLength(2 * CYCLES);
      expect(killed).toHaveLength(CYCLES);
      expect(completed).toHaveLength(CYCLES);
      // Each reply ended exactly once for listeners: the killed ones as interrupted.
      for (const r of killed) expect(done.get(r.responseId)).toEqual(['interrupted']);
      for (const r of completed) expect(done.get(r.responseId)).toEqual(['completed']);
      expect(done.size).toBe(2 * CYCLES);
      // Audio: the killed replies' one delta, the completed replies' whole audio, nothing after an end.
      for (const r of killed) expect(audio.get(r.responseId)).toBe(CHUNK_SAMPLES);
      for (const r of completed) expect(audio.get(r.responseId)).toBe((r.audioMs * 24_000) / 1000);
      expect(afterDone).toEqual([]);

      // The history: every turn once, in order, each answered once by its retried reply.
      const expected = completed.flatMap((r, k) => [
        ['user', `[Guest ${k + 1}]`],
        ['user', expect.stringMatching(/^\(\d\.\d s of speech\)$/)],
        ['assistant', r.transcript],
      ]);
      expect(s.history.entries.map((e) => [e.role, e.text])).toEqual(expected);
      const speechIds = s.history.entries.filter((e) => e.itemId && e.role === 'user').map((e) => e.itemId);
      expect(new Set(speechIds).size).toBe(CYCLES);
      // What each new connection was given: every turn so far exactly once, in order.
      sim.sessions.forEach((conn, k) => {
        const labels = conn.items.map((it) => it.text).filter((t) => t.startsWith('[Guest '));
        const upTo = Math.min(k + 1, CYCLES);
        expect(labels, `server session ${k}`).toEqual(
          Array.from({ length: upTo }, (_, j) => `[Guest ${j + 1}]`),
        );
      });
      expect(sim.sessions.at(-1)!.items.map((it) => it.text)).toEqual(s.history.entries.map((e) => e.text));

      // Zero crashes, nothing logged as an error, no protocol problems.
      crashes.stop();
      expect(crashes.count).toBe(0);
      expect(lines.filter((l) => l.level === 'error')).toEqual([]);
      expect(s.diagnostics.total).toBe(0);
      expect(lines.filter((l) => l.msg === 'realtime connection lost')).toHaveLength(CYCLES);
    });
  });
