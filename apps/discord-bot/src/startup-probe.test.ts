import { startRealtimeSim } from '@troupe/realtime-sim';
import { describe, expect, it } from 'vitest';
import { parseConfig } from './config.ts';
import { describeProbe, probeConfiguredModel } from './startup-probe.ts';

const KEY = 'sk-startup-probe-secret-1';

describe('start-up probe', () => {
  it('refuses to start with one line naming STEPFUN_API_KEY for a refused key, never the key', async () => {
    const sim = await startRealtimeSim({ apiKey: 'another-key-entirely' });
    try {
      const config = parseConfig({ STEPFUN_API_KEY: KEY, STEPFUN_REALTIME_URL: sim.url });
      const { line, fatal } = describeProbe(await probeConfiguredModel(config, undefined));
      expect(fatal).toBe(true);
      expect(line).toMatch(/^STEPFUN_API_KEY: .*HTTP 401.*set STEPFUN_API_KEY in \.env/);
      expect(line).not.toContain('\n');
      expect(line).not.toContain(KEY);
    } finally {
      await sim.close();
    }
  });

  it('names STEPFUN_MODEL and the ids StepFun lists for a refused model', async () => {
    const sim = await startRealtimeSim({ apiKey: KEY });
    try {
      const config = parseConfig({
        STEPFUN_API_KEY: KEY,
        STEPFUN_REALTIME_URL: sim.url,
        STEPFUN_MODEL: 'stepaudio-9',
      });
      const { line, fatal } = describeProbe(await probeConfiguredModel(config, undefined));
      expect(fatal).toBe(true);
      expect(line).toMatch(/^STEPFUN_MODEL: .*"stepaudio-9".*stepaudio-2\.5-realtime.*set STEPFUN_MODEL/);
    } finally {
      await sim.close();
    }
  });

  it('starts with the default model and the persona voice', async () => {
    const sim = await startRealtimeSim({ apiKey: KEY });
    try {
      const config = parseConfig({ STEPFUN_API_KEY: KEY, STEPFUN_REALTIME_URL: sim.url });
      const result = await probeConfiguredModel(config, 'qingchunshaonv');
      expect(describeProbe(result)).toEqual({
        line: expect.stringMatching(/stepaudio-2\.5-realtime answered/),
        fatal: false,
      });
      expect(sim.sessions[0]).toMatchObject({
        model: 'stepaudio-2.5-realtime',
        config: { voice: 'qingchunshaonv' },
      });
    } finally {
      await sim.close();
    }
  });
});
