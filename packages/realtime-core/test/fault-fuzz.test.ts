// Issue 7: the server sends ≥ 10,000 hostile frames (seeded, deterministic) while real replies
// stream. The real RealtimeSession against realtime-sim over loopback sockets.

import { type RealtimeSim, startRealtimeSim } from '@troupe/realtime-sim';
import { afterEach, describe, expect, it } from 'vitest';
import { type ProblemKind, RealtimeSession } from '../src/index.ts';
import { fuzzFrames } from './fuzz-frames.ts';
import { captureLogger, DIALECTS, speak, speechTurn, trackCrashes } from './harness.ts';

const SEED = 0x7eed_0007;
const API_KEY = 'sk-fuzz-secret-4711';
const FRAMES = 12_000;
const BATCH = 150;
const MAX_EVENT_BYTES = 64 * 1024; // small, so oversized frames are cheap to send

let sim: RealtimeSim | undefined;
let session: RealtimeSession | undefined;
afterEach(async () => {
  session?.close();
  await sim?.close();
  sim = undefined;
  session = undefined;
});

const tick = () => new Promise((r) => setTimeout(r, 1));

for (const { dialect, model, profile } of DIALECTS)
  describe(`server-side fuzz (${dialect} dialect)`, () => {
    it(`${FRAMES} hostile frames: no crash, every problem logged once and counted, session still usable`, async () => {
      const crashes = trackCrashes();
      const frames = fuzzFrames(SEED, FRAMES, MAX_EVENT_BYTES);
      sim = await startRealtimeSim({
        apiKey: API_KEY,
        speed: 20,
        replyMs: 400,
        chunkMs: 50,
        firstDeltaDelayMs: 2,
        dialect,
      });
      const { logger, lines } = captureLogger();
      const s = new RealtimeSession({
        url: sim.url,
        model,
        profile,
        apiKey: API_KEY,
        config: {
          instructions: 'You are Captain Mara.',
          voice: 'elegantgentle-female',
          inputTranscription: true,
          turnDetection: { type: 'server_vad', silenceDurationMs: 200 },
        },
        maxEventBytes: MAX_EVENT_BYTES,
        diagnostics: { summaryIntervalMs: 200 },
        logger,
      });
      session = s;
      const audio = new Map<string, number>();
      const created: string[] = [];
      const done: string[] = [];
      const errors: string[] = [];
      s.on('audio', (pcm, m) => audio.set(m.responseId, (audio.get(m.responseId) ?? 0) + pcm.length));
      s.on('responseCreated', (e) => created.push(e.responseId));
      s.on('responseDone', (e) => done.push(`${e.responseId}:${e.status}`));
      s.on('error', (e) =>
        errors.push(e.code === 'protocol_invalid_event' ? e.code : `${e.code}: ${e.message}`),
      );
      await s.connect();

      // Fuzz in batches across event-loop turns, asking for a real reply whenever none is in flight,
      // so hostile frames land between the real reply's own events.
      for (let at = 0; at < frames.length; at += BATCH) {
        if (!s.responding && sim.responses.every((r) => r.status !== 'in_progress')) s.createResponse();
        for (const f of frames.slice(at, at + BATCH)) sim.faults.sendRaw(f.data);
        await tick();
      }
      await sim.waitFor(() => s.diagnostics.total === frames.length || undefined, 15_000);
      await sim.waitFor(() => sim!.responses.every((r) => r.status === 'completed') || undefined);
      await sim.waitFor(() => done.length === sim!.responses.length || undefined);

      // Every frame became exactly one problem of the kind it was built to cause.
      const expected: Partial<Record<ProblemKind, number>> = {};
      for (const f of frames) expected[f.kind] = (expected[f.kind] ?? 0) + 1;
      expect(s.diagnostics.byKind()).toEqual(expected);
      expect(s.diagnostics.total).toBe(frames.length);
      expect(s.diagnostics.forgotten).toBe(0);
      const byKey = (kind: string, type: string | undefined) => `${kind} ${type ?? '-'}`;
      const expectedByKey = new Map<string, number>();
      for (const f of frames)
        expectedByKey.set(
          byKey(f.kind, f.eventType),
          (expectedByKey.get(byKey(f.kind, f.eventType)) ?? 0) + 1,
        );
      const countedByKey = new Map<string, number>();
      for (const p of s.diagnostics.snapshot())
        countedByKey.set(
          byKey(p.kind, p.eventType),
          (countedByKey.get(byKey(p.kind, p.eventType)) ?? 0) + p.count,
        );
      expect(countedByKey).toEqual(expectedByKey);

      // The real replies were untouched: each created and ended once, all of its audio, no phantom reply.
      const real = sim.responses;
      expect(real.length).toBeGreaterThanOrEqual(3);
      expect(created).toEqual(real.map((r) => r.responseId));
      expect(done).toEqual(real.map((r) => `${r.responseId}:completed`));
      expect([...audio.keys()]).toEqual(real.map((r) => r.responseId));
      for (const r of real) expect(audio.get(r.responseId)).toBe((r.audioMs * 24_000) / 1000);
      expect(s.history.entries.map((e) => e.text)).toEqual(real.map((r) => r.transcript));

      // Still usable: a spoken turn round-trips with reply audio.
      const before = real.length;
      s.addText('user', '[Alice]');
      speak(s, speechTurn(600, 400));
      await sim.waitFor(
        () =>
          (sim!.responses.length === before + 1 && sim!.responses[before]!.status === 'completed') ||
          undefined,
      );
      const last = sim.responses[before]!;
      await sim.waitFor(() => done.length === before + 1 || undefined);
      expect(last.labels).toEqual(['Alice']);
      expect(audio.get(last.responseId)).toBe((last.audioMs * 24_000) / 1000);
      expect(s.state.status).toBe('ready');
      expect(sim.sessions).toHaveLength(1); // no reconnect was needed

      // Logged once each: one first line per distinct problem, with its context; repeats summarised.
      s.diagnostics.flush();
      const problemLines = lines.filter((l) => l.obj.problem !== undefined);
      const firsts = problemLines.filter((l) => l.obj.total === undefined);
      const distinct = s.diagnostics.snapshot();
      expect(firsts).toHaveLength(distinct.length);
      const lineKey = (o: Record<string, unknown>) => `${o.problem}|${o.eventType}|${o.detail}`;
      expect(new Set(firsts.map((l) => lineKey(l.obj))).size).toBe(distinct.length);
      for (const l of firsts) {
        expect(l.obj.detail).toEqual(expect.any(String));
        if (['schema', 'unknown_event_type', 'out_of_order'].includes(l.obj.problem as string))
          expect(l.obj.eventType).toEqual(expect.any(String));
      }
      // Nothing lost: first lines and summaries together account for every frame, per problem.
      const logged = new Map<string, number>();
      for (const l of problemLines)
        logged.set(lineKey(l.obj), (logged.get(lineKey(l.obj)) ?? 0) + (l.obj.occurrences as number));
      expect(logged).toEqual(new Map(distinct.map((p) => [`${p.kind}|${p.eventType}|${p.detail}`, p.count])));
      expect(problemLines.length).toBeLessThan(frames.length / 10); // summarised, not one line per frame
      // 'error' listeners heard each distinct fault once (unknown types are not faults).
      const faults = distinct.filter((p) => p.kind !== 'unknown_event_type').length;
      expect(errors).toEqual(Array.from({ length: faults }, () => 'protocol_invalid_event'));
      expect(JSON.stringify(lines)).not.toContain(API_KEY);

      crashes.stop();
      expect(crashes.count).toBe(0);
      expect(lines.filter((l) => l.level === 'error')).toEqual([]);
    });
  });
