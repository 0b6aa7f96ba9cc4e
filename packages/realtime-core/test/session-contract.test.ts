// The real RealtimeSession (real `ws` transport) against the simulator over loopback sockets: every
// situation the provider produces, from the client's side, in both wire dialects.
import { type RealtimeSim, type SimOptions, startRealtimeSim, synthesizeSpeech } from '@troupe/realtime-sim';
import { afterEach, describe, expect, it } from 'vitest';
import { type ProviderProfile, RealtimeSession, type RealtimeSessionOptions } from '../src/index.ts';
import { DIALECTS } from './harness.ts';

let sim: RealtimeSim | undefined;
let session: RealtimeSession | undefined;
afterEach(async () => {
  session?.close();
  await sim?.close();
  sim = undefined;
  session = undefined;
});

/** Speaks `ms` of speech and enough silence for server VAD to end the turn, in 20 ms appends. */
function speak(s: RealtimeSession, ms: number): void {
  const speech = synthesizeSpeech('user', ms);
  const all = new Int16Array(speech.length + 24_000 * 0.8);
  all.set(speech);
  for (let at = 0; at < all.length; at += 480) s.appendAudio(all.subarray(at, at + 480));
}

const until = (cond: () => boolean) => sim!.waitFor(() => cond() || undefined);

for (const { dialect, model, profile } of DIALECTS) {
  describe(`RealtimeSession against realtime-sim (${dialect} dialect)`, () => {
    async function open(simOptions: SimOptions = {}, extra: Partial<RealtimeSessionOptions> = {}) {
      sim = await startRealtimeSim({ apiKey: 'k', speed: 10, dialect, ...simOptions });
      const s = new RealtimeSession({
        url: sim.url,
        model,
        apiKey: 'k',
        profile,
        config: {
          instructions: 'You are Captain Mara.',
          voice: 'elegantgentle-female',
          inputTranscription: true,
          // StepFun's default silence (100 ms) ends a turn inside a word; its public clients raise it.
          turnDetection: { type: 'server_vad', silenceDurationMs: 500 },
        },
        backoff: { baseMs: 20, maxMs: 100, maxAttempts: 6 },
        reconnectBudget: { process: null },
        ...extra,
      });
      session = s;
      const audio: Int16Array[] = [];
      const done: { status: string }[] = [];
      s.on('audio', (pcm) => audio.push(pcm));
      s.on('responseDone', (e) => done.push(e));
      await s.connect();
      return { s, sim, audio, done };
    }

    it('runs a labelled speaker turn and receives the reply audio', async () => {
      const { s, sim, audio, done } = await open();
      s.addText('user', '[Alice]');
      speak(s, 1000);
      await until(() => done.length === 1);
      expect(sim.responses[0]).toMatchObject({
        labels: ['Alice'],
        voice: 'elegantgentle-female',
        status: 'completed',
      });
      expect(audio.reduce((n, a) => n + a.length, 0)).toBe((sim.responses[0]!.audioMs * 24_000) / 1000);
      expect(s.history.entries.map((e) => e.role)).toEqual(['user', 'user', 'assistant']);
      expect(s.diagnostics.total).toBe(0); // every event of the dialect was understood
    });

    it('recovers from a drop mid-reply: reconnects, replays the history, no duplicate reply', async () => {
      const { s, sim, done } = await open();
      s.addText('user', '[Alice]');
      speak(s, 800);
      await until(() => done.length === 1);
      const reconnected = new Promise((r) => s.once('reconnected', r));
      sim.faults.dropNextResponse();
      s.addText('user', '[Bob]');
      speak(s, 600);
      await reconnected;
      await until(() => s.state.status === 'ready');
      await until(() => sim.sessions[1]?.items.some((i) => i.text === '[Alice]') === true);
      expect(sim.sessions).toHaveLength(2);
      const replayed = sim.sessions[1]!.items.map((i) => i.text);
      expect(replayed).toContain('[Alice]');
      expect(replayed.some((t) => t.startsWith('Alice, I heard you'))).toBe(true);
      expect(sim.responses).toHaveLength(2); // the dropped one, and nothing re-sent on its own
      s.addText('user', '[Bob]');
      speak(s, 600);
      await until(() => sim.responses.length === 3 && sim.responses[2]!.status === 'completed');
      expect(sim.responses[2]!.labels).toEqual(['Bob']);
    });

    it('rolls over before the session cap with the conversation replayed', async () => {
      const short: ProviderProfile = { ...profile, maxSessionMs: 1500, rolloverMarginMs: 700 };
      const { s, sim, done } = await open({ sessionCapMs: 1500 }, { profile: short });
      const rolled = new Promise<void>((r) => s.once('rolledOver', () => r()));
      s.addText('user', '[Alice]');
      speak(s, 300);
      await until(() => done.length === 1);
      await rolled;
      await until(() => sim.sessions[1]?.items.some((i) => i.text === '[Alice]') === true);
      expect(sim.sessions[1]!.items.map((i) => i.text)).toContain('[Alice]');
      expect(sim.errors.filter((e) => e.code === 'session_expired')).toHaveLength(0);
    });

    it('truncates a barged-in reply at the heard position; the cancel ends the reply once', async () => {
      const { s, sim, audio, done } = await open({ speed: 2, replyMs: 3000 });
      s.createResponse({ instructions: 'greet' });
      await until(() => audio.length >= 3);
      const itemId = sim.sessions[0]!.items.find((i) => i.role === 'assistant')!.id;
      s.cancelResponse();
      s.truncate(itemId, 240);
      await until(() => sim.responses[0]!.truncatedAtMs !== undefined && done.length === 1);
      expect(sim.responses[0]).toMatchObject({ truncatedAtMs: 240, cancelled: true, status: 'cancelled' });
      expect(done).toEqual([expect.objectContaining({ status: 'cancelled' })]);
      expect(s.responding).toBe(false);
      expect(s.diagnostics.total).toBe(0); // response.cancelled and the closing events that follow are expected
    });

    it('soft-cancels when the provider ignores response.cancel', async () => {
      const { s, sim, audio, done } = await open(
        { speed: 2, replyMs: 2000, quirks: { cancelIgnored: true } },
        { profile: { ...profile, cancelSupported: false, appendWhileResponding: false } },
      );
      s.createResponse();
      await until(() => audio.length >= 2);
      s.cancelResponse();
      const heard = audio.length;
      await until(() => done.length === 1);
      expect(audio.length).toBe(heard); // the server kept streaming; nothing reached the listener
      expect(done[0]!.status).toBe('cancelled');
      expect(sim.responses[0]!.status).toBe('completed');
    });

    it('holds appends while the provider rejects them mid-reply, then delivers them', async () => {
      const { s, sim, done } = await open(
        { speed: 2, replyMs: 1500, quirks: { appendRejectedWhileResponding: true } },
        { profile: { ...profile, cancelSupported: false, appendWhileResponding: false } },
      );
      s.createResponse();
      await until(() => s.responding);
      for (let i = 0; i < 25; i++) s.appendAudio(new Int16Array(480));
      await until(() => done.length === 1);
      await until(() => sim.sessions[0]!.appendedSamples === 25 * 480);
      expect(sim.errors.filter((e) => e.code === 'invalid_state')).toHaveLength(0);
    });

    it('switches voice by reconnecting once the voice is locked, history replayed', async () => {
      const { s, sim, done } = await open();
      s.addText('user', '[Mei]');
      speak(s, 500);
      await until(() => done.length === 1);
      const result = await s.update({ voice: 'wenrounansheng' });
      expect(result.newConnection).toBe(true);
      await until(() => sim.sessions[1]?.config.voice === 'wenrounansheng');
      expect(sim.sessions[1]!.items.map((i) => i.text)).toContain('[Mei]');
      s.createResponse();
      await until(() => done.length === 2);
      expect(sim.responses.at(-1)!.voice).toBe('wenrounansheng');
      expect(sim.errors.filter((e) => e.code === 'cannot_update_voice')).toHaveLength(0);
    });

    it('stays usable through malformed, unknown and oversized server events', async () => {
      const { s, sim, done } = await open();
      const errors: string[] = [];
      s.on('error', (e) => errors.push(e.code));
      sim.faults.sendRaw('{broken');
      sim.faults.sendRaw('{"type":"vendor.surprise"}');
      sim.faults.sendRaw(
        JSON.stringify({ type: 'response.audio.delta', delta: 'x'.repeat(9 * 1024 * 1024) }),
      );
      s.createResponse();
      await until(() => done.length === 1);
      expect(errors).toEqual(['protocol_invalid_event', 'protocol_invalid_event']);
    });
  });
}
