// The start-up probe against realtime-sim: one short session per call, a typed verdict each time.
import { type RealtimeSim, startRealtimeSim } from '@troupe/realtime-sim';
import { afterEach, describe, expect, it } from 'vitest';
import { probeRealtime } from '../src/index.ts';

const KEY = 'sk-probe-secret-77';
let sim: RealtimeSim | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe('probeRealtime', () => {
  it('says ok for a working key, model and voice, and asks for no reply', async () => {
    sim = await startRealtimeSim({ apiKey: KEY });
    const result = await probeRealtime({
      url: sim.url,
      model: 'stepaudio-2.5-realtime',
      apiKey: KEY,
      voice: 'linjiajiejie',
    });
    expect(result).toEqual({
      ok: true,
      model: 'stepaudio-2.5-realtime',
      traceId: expect.stringMatching(/^trace-/),
      warnings: [],
    });
    expect(sim.sessions[0]!.config.voice).toBe('linjiajiejie');
    expect(sim.responses).toHaveLength(0);
    await sim.waitFor(() => sim!.sessions[0]!.closed);
  });

  it('warns about a voice the provider does not list, and maps the alias', async () => {
    sim = await startRealtimeSim({ apiKey: KEY });
    const result = await probeRealtime({
      url: sim.url,
      model: 'step-2.5-realtime',
      apiKey: KEY,
      voice: 'linjiajeijie',
    });
    expect(result).toMatchObject({ ok: true, model: 'stepaudio-2.5-realtime' });
    if (result.ok) expect(result.warnings[0]).toMatch(/did you mean "linjiajiejie"/);
  });

  it('names the setting to fix for a bad key, without the key', async () => {
    sim = await startRealtimeSim({ apiKey: 'other' });
    const result = await probeRealtime({ url: sim.url, model: 'stepaudio-2.5-realtime', apiKey: KEY });
    expect(result).toMatchObject({
      ok: false,
      failure: 'auth',
      setting: 'apiKey',
      fatal: true,
      httpStatus: 401,
    });
    expect(JSON.stringify(result)).not.toContain(KEY);
    if (!result.ok) expect(result.fix).toMatch(/platform\.stepfun\.com/);
    expect(sim.upgrades).toHaveLength(1);
  });

  it.each([
    ['model', 'nope-model', undefined, 'model'],
    ['balance', 'stepaudio-2.5-realtime', 402, 'account'],
    ['rate_limited', 'stepaudio-2.5-realtime', 429, 'account'],
  ] as const)('reports %s', async (failure, model, status, setting) => {
    sim = await startRealtimeSim({ apiKey: KEY });
    if (status) sim.faults.rejectConnections(1, status);
    const result = await probeRealtime({ url: sim.url, model, apiKey: KEY });
    expect(result).toMatchObject({ ok: false, failure, setting, fatal: failure !== 'rate_limited' });
    expect(sim.upgrades).toHaveLength(1);
  });

  it('reports an unreachable server as not fatal', async () => {
    sim = await startRealtimeSim({ apiKey: KEY });
    const url = sim.url;
    await sim.close();
    sim = undefined;
    const result = await probeRealtime({ url, model: 'stepaudio-2.5-realtime', apiKey: KEY });
    expect(result).toMatchObject({ ok: false, failure: 'unreachable', setting: 'network', fatal: false });
  });
});
