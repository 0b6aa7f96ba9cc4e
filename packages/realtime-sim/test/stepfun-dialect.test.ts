// The stepfun dialect against StepFun's published pages: sample shapes, VAD parameters, refusals,
// limits. Each expectation names the page section it comes from.
import { afterEach, describe, expect, it } from 'vitest';
import { type RealtimeSim, type SimOptions, startRealtimeSim } from '../src/index.ts';
import { synthesizeSpeech } from '../src/voice-synth.ts';
import { errorCode, errorMessage, rawClient } from './raw-client.ts';

let sim: RealtimeSim;
afterEach(async () => {
  await sim.close();
});

const MODEL = 'stepaudio-2.5-realtime';
async function open(options: SimOptions = {}, model = MODEL) {
  sim = await startRealtimeSim({ apiKey: 'k', speed: 20, ...options });
  const c = rawClient(sim, model);
  const created = await c.next('session.created');
  return { c, created };
}

describe('stepfun dialect: sample shapes (api-reference/realtime/chat, "Server Event 列表")', () => {
  it('session.created carries event_id, the session id and max_response_output_tokens "4096" as a string', async () => {
    const { c, created } = await open();
    expect(created.event_id).toEqual(expect.any(String));
    expect(created.session).toMatchObject({
      id: expect.any(String),
      object: 'realtime.session',
      model: MODEL,
      modalities: ['text', 'audio'],
      max_response_output_tokens: '4096',
    });
    c.send({ type: 'session.update', session: { instructions: 'x' } });
    const updated = await c.next('session.updated');
    expect((updated.session as { max_response_output_tokens: unknown }).max_response_output_tokens).toBe(
      4096,
    );
    c.ws.close();
  });

  it('streams deltas without response_id, audio.done with the trace id, and ends with rate_limits.updated', async () => {
    const { c } = await open();
    const traceId = await new Promise<string>((resolve) => {
      // The trace id came with the upgrade response; a second client shows the header.
      const probe = rawClient(sim, MODEL);
      probe.ws.on('upgrade', (res) => {
        resolve(String(res.headers['x-trace-id']));
        probe.ws.close();
      });
    });
    expect(traceId).toMatch(/^trace-/);
    c.send({ type: 'response.create' });
    await c.next('response.done');
    const audio = c.events.filter((e) => e.type === 'response.audio.delta');
    expect(audio.length).toBeGreaterThan(0);
    for (const e of audio) expect(Object.keys(e).sort()).toEqual(['delta', 'event_id', 'item_id', 'type']);
    const words = c.events.filter((e) => e.type === 'response.audio_transcript.delta');
    for (const e of words)
      expect(Object.keys(e).sort()).toEqual(['delta', 'event_id', 'item_id', 'output_index', 'type']);
    const audioDone = c.events.find((e) => e.type === 'response.audio.done')!;
    expect(audioDone.response_id).toMatch(/^trace-/);
    const transcriptDone = c.events.find((e) => e.type === 'response.audio_transcript.done')!;
    expect(transcriptDone).toMatchObject({ response_id: expect.stringMatching(/^resp_/), content_index: 0 });
    expect(c.events.at(-1)?.type).toBe('rate_limits.updated');
    expect(c.events.every((e) => typeof e.event_id === 'string')).toBe(true);
    c.ws.close();
  });

  it('answers response.cancel with response.cancelled, then response.done (status cancelled)', async () => {
    const { c } = await open({ speed: 1, replyMs: 3000 });
    c.send({ type: 'response.create' });
    await c.next('response.audio.delta');
    c.send({ type: 'response.cancel' });
    const cancelled = await c.next('response.cancelled');
    const done = await c.next('response.done');
    expect(cancelled.response_id).toBe((done.response as { id: string }).id);
    expect((done.response as { status: string }).status).toBe('cancelled');
    c.ws.close();
  });

  it('can answer response.cancel with response.cancelled alone', async () => {
    const { c } = await open({ speed: 4, replyMs: 2000, quirks: { cancelAnswer: 'cancelled' } });
    c.send({ type: 'response.create' });
    await c.next('response.audio.delta');
    c.send({ type: 'response.cancel' });
    await c.next('response.cancelled');
    c.send({ type: 'response.create' }); // the reply is over: a new one may start
    await c.next('response.done');
    expect(c.events.filter((e) => e.type === 'response.done')).toHaveLength(1);
    expect(sim.responses.map((r) => r.status)).toEqual(['cancelled', 'completed']);
    c.ws.close();
  });

  it('thinks while speaking for stepaudio-3-realtime-preview', async () => {
    const { c } = await open({}, 'stepaudio-3-realtime-preview');
    c.send({ type: 'response.create' });
    await c.next('response.done');
    const thinking = c.events.filter((e) => e.type.startsWith('response.thinking.'));
    expect(thinking.map((e) => e.type)).toEqual(['response.thinking.delta', 'response.thinking.done']);
    expect(thinking[1]).toMatchObject({ output_index: 0, content_index: 1, thinking: expect.any(String) });
    c.ws.close();
  });

  it('accepts greeting instructions under response.create.session, as the developer guide shows', async () => {
    const { c } = await open();
    c.send({ type: 'response.create', session: { instructions: '请你原样无修改地输出下面的话：你好' } });
    await c.next('response.done');
    expect(sim.responses[0]?.instructions).toMatch(/^请你原样/);
    c.ws.close();
  });

  it('can type session.updated as session.created, as the reference sample does', async () => {
    const { c } = await open({ quirks: { sessionUpdatedAsCreated: true } });
    c.send({ type: 'session.update', session: { voice: 'linjiajiejie' } });
    const second = await c.next('session.created');
    expect(second.session).toMatchObject({ voice: 'linjiajiejie', max_response_output_tokens: 4096 });
    c.ws.close();
  });
});

describe('stepfun dialect: server VAD (session.update > turn_detection)', () => {
  it('is off until turn_detection is sent ("ServerVAD 参数，默认关闭")', async () => {
    const { c } = await open();
    const speech = new Int16Array(24_000 * 2);
    speech.set(synthesizeSpeech('u', 1000));
    c.append(speech);
    c.send({ type: 'input_audio_buffer.commit' }); // a manual turn still works
    await c.next('input_audio_buffer.committed');
    expect(c.events.some((e) => e.type.startsWith('input_audio_buffer.speech'))).toBe(false);
    c.ws.close();
  });

  it('can be on by default, as the developer guide says', async () => {
    const { c, created } = await open({ vadOnByDefault: true });
    expect((created.session as { turn_detection: unknown }).turn_detection).toEqual({ type: 'server_vad' });
    const speech = new Int16Array(24_000 * 2);
    speech.set(synthesizeSpeech('u', 1000));
    c.append(speech);
    await c.next('input_audio_buffer.speech_started');
    c.ws.close();
  });

  it('refuses an energy_awakeness_threshold outside 0-5000 and keeps the previous settings', async () => {
    const { c } = await open();
    c.send({
      type: 'session.update',
      event_id: 'e1',
      session: { turn_detection: { type: 'server_vad', energy_awakeness_threshold: 6000 } },
    });
    const error = await c.next('error');
    expect(error.error).toMatchObject({ code: 'invalid_param', event_id: 'e1' });
    expect(errorMessage(error)).toMatch(/0-5000/);
    await c.next('session.updated');
    expect(sim.sessions[0]?.config.turn_detection).toBeNull();
    c.ws.close();
  });
});

describe('stepfun dialect: error shapes', () => {
  it('sends wrapped, unwrapped (developer guide) and numeric-code (console) errors', async () => {
    const { c } = await open();
    sim.faults.sendError('invalid_param', '音频内容不完整');
    expect((await c.next('error')).error).toMatchObject({ type: 'server_error', code: 'invalid_param' });
    sim.faults.sendError('invalid_value', "无效值: 'x'", { shape: 'unwrapped' });
    expect(await c.next('server_error')).toMatchObject({ code: 'invalid_value', message: "无效值: 'x'" });
    sim.faults.sendError('rate_limit', 'Rate limit exceeded', { shape: 'numeric', status: 429 });
    expect(errorCode(await c.next('error'))).toBe(429);
    c.ws.close();
  });
});

describe('stepfun dialect: refusals (api-reference/error-codes)', () => {
  it('refuses an unknown model with HTTP 400 and a Chinese JSON body; step-2.5-realtime is unknown', async () => {
    sim = await startRealtimeSim({ apiKey: 'k' });
    const refused = await rawClient(sim, 'step-2.5-realtime').refused();
    expect(refused.status).toBe(400);
    const body = JSON.parse(refused.body) as { error: { message: string } };
    expect(body.error.message).toContain('模型不存在或无权限');
    expect(body.error.message).toContain('stepaudio-2.5-realtime');
  });

  it('can refuse the model with a Chinese error event and close 1008 instead', async () => {
    sim = await startRealtimeSim({ apiKey: 'k', modelRefusal: 'event' });
    const c = rawClient(sim, 'nope-model');
    const closed = new Promise<number>((resolve) => c.ws.on('close', (code) => resolve(code)));
    expect(errorMessage(await c.next('error'))).toContain('模型不存在或无权限');
    expect(await closed).toBe(1008);
  });

  it.each([
    [402, '余额不足'],
    [451, '未审核通过'],
  ])('refuses with HTTP %i and a JSON body', async (status, text) => {
    sim = await startRealtimeSim({ apiKey: 'k' });
    sim.faults.rejectConnections(1, status);
    const refused = await rawClient(sim, MODEL).refused();
    expect(refused.status).toBe(status);
    expect((JSON.parse(refused.body) as { error: { message: string } }).error.message).toContain(text);
  });

  it('limits requests per minute with 429 and Retry-After, then lets one through when the minute rolls', async () => {
    let now = 1_000_000;
    sim = await startRealtimeSim({ apiKey: 'k', limits: { requestsPerMinute: 2 }, now: () => now });
    for (let i = 0; i < 2; i++) (await open2()).ws.close();
    const refused = await rawClient(sim, MODEL).refused();
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBe(60);
    now += 60_001;
    (await open2()).ws.close();
    expect(sim.upgrades.map((u) => u.status)).toEqual([101, 101, 429, 101]);
  });

  it('limits concurrent sessions with 429', async () => {
    sim = await startRealtimeSim({ apiKey: 'k', limits: { concurrentSessions: 1 } });
    const first = await open2();
    expect((await rawClient(sim, MODEL).refused()).status).toBe(429);
    const closed = new Promise((r) => first.ws.on('close', r));
    first.ws.close();
    await closed;
    await sim.waitFor(() => sim.sessions[0]?.closed);
    (await open2()).ws.close();
  });

  it('accepts, then refuses with a quota error and close 1008 (a flapping session)', async () => {
    sim = await startRealtimeSim({ apiKey: 'k' });
    sim.faults.refuseAfterAccept(1, { code: 429, message: 'quota exhausted' });
    const c = rawClient(sim, MODEL);
    const closed = new Promise<number>((resolve) => c.ws.on('close', (code) => resolve(code)));
    await c.next('session.created');
    expect(errorCode(await c.next('error'))).toBe(429);
    expect(await closed).toBe(1008);
  });

  it('ends a session at the cap with session_expired (the guide: 30 minutes at most)', async () => {
    const { c } = await open({ sessionCapMs: 200 });
    const closed = new Promise<number>((resolve) => c.ws.on('close', (code) => resolve(code)));
    expect(errorCode(await c.next('error'))).toBe('session_expired');
    expect(await closed).toBe(1000);
  });

  it('ends every open session on demand as the cap would (expireSessions)', async () => {
    const { c } = await open({});
    const closed = new Promise<number>((resolve) => c.ws.on('close', (code) => resolve(code)));
    sim.faults.expireSessions();
    expect(errorCode(await c.next('error'))).toBe('session_expired');
    expect(await closed).toBe(1000);
  });

  it('serves the Step Plan path with the same protocol', async () => {
    sim = await startRealtimeSim({ apiKey: 'k' });
    const c = rawClient({ ...sim, url: sim.url.replace('/v1/realtime', '/step_plan/v1/realtime') }, MODEL);
    await c.next('session.created');
    c.ws.close();
  });
});

async function open2() {
  const c = rawClient(sim, MODEL);
  await c.next('session.created');
  return c;
}
