// Refusals that mean stop, stop: the real session and `ws` transport against realtime-sim's
// refusals (HTTP statuses with JSON bodies, error events in English and Chinese, accepted-then-
// refused loops). Counts of upgrades prove what was (not) retried; time is a manual clock.
import { type RealtimeSim, type SimOptions, startRealtimeSim } from '@troupe/realtime-sim';
import { afterEach, describe, expect, it } from 'vitest';
import { type RealtimeError, RealtimeSession, type RealtimeSessionOptions } from '../src/index.ts';
import { ManualClock } from '../src/testing/index.ts';
import { captureLogger, DIALECTS } from './harness.ts';

const KEY = 'sk-refusal-secret-0042';
let sim: RealtimeSim | undefined;
let session: RealtimeSession | undefined;
afterEach(async () => {
  session?.close();
  await sim?.close();
  sim = undefined;
  session = undefined;
});

async function start(simOptions: SimOptions, options: Partial<RealtimeSessionOptions> & { model: string }) {
  sim = await startRealtimeSim({ apiKey: KEY, speed: 20, ...simOptions });
  const errors: RealtimeError[] = [];
  const s = new RealtimeSession({
    url: sim.url,
    apiKey: KEY,
    config: { instructions: 'x', voice: 'linjiajiejie' },
    backoff: { baseMs: 5, maxMs: 20, maxAttempts: 6 },
    reconnectBudget: { process: null },
    ...options,
  });
  s.on('error', (e) => errors.push(e));
  session = s;
  return {
    s,
    sim,
    errors,
    connected: s.connect().then(
      () => 'ready' as const,
      (e: RealtimeError) => e,
    ),
  };
}

for (const { dialect, model, profile } of DIALECTS) {
  describe(`refusals (${dialect} dialect)`, () => {
    it('a wrong key stops at once: HTTP 401 and its body in the message, the key never', async () => {
      const { sim, connected } = await start({ dialect, apiKey: 'right-key' }, { model, profile });
      const error = (await connected) as RealtimeError;
      expect(error).toMatchObject({ code: 'auth_failed', recoverable: false, httpStatus: 401 });
      expect(error.message).toMatch(/HTTP 401 .*Incorrect API key/);
      expect(error.message).not.toContain(KEY);
      expect(error.publicMessage).not.toMatch(/key|http|platform/i);
      expect(sim.upgrades.map((u) => u.status)).toEqual([401]);
    });

    it('an unknown model stops at once, naming the model tried and the ids the provider lists', async () => {
      const { sim, connected } = await start({ dialect }, { model: 'nope-realtime', profile });
      const error = (await connected) as RealtimeError;
      expect(error.code).toBe('model_not_found');
      expect(error.message).toContain('"nope-realtime"');
      for (const id of profile.models) expect(error.message).toContain(id);
      expect(sim.upgrades).toHaveLength(1);
    });

    it.each([
      [402, 'insufficient_balance', /余额不足/],
      [451, 'content_refused', /未审核通过/],
    ])('HTTP %i stops at once with the body excerpt', async (status, code, body) => {
      const { sim, connected } = await start({ dialect }, { model, profile });
      sim.faults.rejectConnections(5, status);
      const error = (await connected) as RealtimeError;
      expect(error).toMatchObject({ code, recoverable: false, httpStatus: status });
      expect(error.message).toMatch(body);
      expect(sim.upgrades).toHaveLength(1);
    });
  });
}

describe('refusals (StepFun specifics)', () => {
  it('a model refused by a Chinese error event (模型不存在或无权限) stops at once', async () => {
    const { sim, connected } = await start({ modelRefusal: 'event' }, { model: 'stepaudio-9-realtime' });
    const error = (await connected) as RealtimeError;
    expect(error.code).toBe('model_not_found');
    expect(error.message).toMatch(/模型不存在或无权限/);
    expect(error.message).toContain('stepaudio-2.5-realtime');
    expect(sim.upgrades).toHaveLength(1);
  });

  it('step-2.5-realtime is sent as stepaudio-2.5-realtime, and that is logged once per process', async () => {
    const { logger, lines } = captureLogger();
    const first = await start({}, { model: 'step-2.5-realtime', logger });
    expect(await first.connected).toBe('ready');
    expect(first.sim.sessions[0]!.model).toBe('stepaudio-2.5-realtime');
    const again = new RealtimeSession({
      url: first.sim.url,
      model: 'step-2.5-realtime',
      apiKey: KEY,
      config: { instructions: 'x', voice: 'linjiajiejie' },
      logger,
    });
    await again.connect();
    again.close();
    expect(lines.filter((l) => /is an alias of "stepaudio-2.5-realtime"/.test(l.msg))).toHaveLength(1);
  });

  it('429 on the upgrade waits for its Retry-After before trying again', async () => {
    const clock = new ManualClock();
    const { sim, connected, errors } = await start({}, { model: 'stepaudio-2.5-realtime', clock });
    sim.faults.rejectConnections(1, 429, { retryAfterSec: 7 });
    await sim.waitFor(() => errors.length === 1);
    expect(errors[0]).toMatchObject({ code: 'rate_limited', recoverable: true, httpStatus: 429 });
    clock.advance(6_999);
    expect(sim.upgrades.map((u) => u.status)).toEqual([429]);
    clock.advance(1);
    expect(await connected).toBe('ready');
    expect(sim.upgrades.map((u) => u.status)).toEqual([429, 101]);
  });

  it('a session accepted and then refused again and again stops after its reconnect budget', async () => {
    const { sim, connected, s } = await start(
      {},
      {
        model: 'stepaudio-2.5-realtime',
        reconnectBudget: { perSession: { max: 4, windowMs: 60_000 }, process: null },
      },
    );
    sim.faults.refuseAfterAccept(1000, { code: 429, message: 'quota exhausted' });
    const closed = new Promise<RealtimeError | undefined>((resolve) =>
      s.on('stateChange', (next) => next.status === 'closed' && resolve(next.error)),
    );
    expect(await connected).toBe('ready');
    const error = await closed;
    expect(error).toMatchObject({ code: 'reconnect_budget_exhausted', recoverable: false });
    expect(error!.message).toMatch(/5 times within 60 s.*close 1008/);
    expect(sim.upgrades).toHaveLength(5); // the first connection and 4 reconnects, then no more
  });
});
