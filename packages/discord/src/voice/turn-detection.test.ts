import { OPENAI_VAD, STEPFUN_VAD } from '@troupe/realtime-core';
import { describe, expect, it } from 'vitest';
import { guildTurnDetection, guildVadProblems } from './turn-detection.ts';

describe('a guild’s VAD settings as the session’s turn detection', () => {
  it('uses the bot default silence and sends nothing else when the guild set nothing', () => {
    expect(guildTurnDetection(undefined, { silenceMs: 500 }, STEPFUN_VAD)).toEqual({
      type: 'server_vad',
      silenceDurationMs: 500,
    });
    expect(guildTurnDetection({ silenceMs: null }, { silenceMs: 500 }, STEPFUN_VAD).silenceDurationMs).toBe(
      500,
    );
  });

  it('maps the energy fraction onto StepFun’s 0–5000 energy_awakeness_threshold', () => {
    expect(
      guildTurnDetection(
        { silenceMs: 900, prefixPaddingMs: 300, energyThreshold: 0.25 },
        { silenceMs: 500 },
        STEPFUN_VAD,
      ),
    ).toEqual({ type: 'server_vad', silenceDurationMs: 900, prefixPaddingMs: 300, energyThreshold: 1250 });
  });

  it('gives OpenAI the fraction as its 0–1 threshold', () => {
    expect(guildTurnDetection({ energyThreshold: 0.7 }, { silenceMs: 500 }, OPENAI_VAD)).toEqual({
      type: 'server_vad',
      silenceDurationMs: 500,
      threshold: 0.7,
    });
  });

  it('finds nothing wrong with values in range, and names a value out of the provider’s range', () => {
    expect(guildVadProblems({ silenceMs: 100, prefixPaddingMs: 0, energyThreshold: 1 }, STEPFUN_VAD)).toEqual(
      [],
    );
    expect(guildVadProblems({ silenceMs: 120_000 }, STEPFUN_VAD)).toEqual([
      expect.stringMatching(/silence duration \(ms\) must be an integer between 0 and 60000/),
    ]);
  });
});
