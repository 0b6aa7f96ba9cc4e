import { describe, expect, it } from 'vitest';
import {
  openaiProfile,
  profileByName,
  profileForModel,
  resolveModel,
  stepfun3PreviewProfile,
  stepfunProfile,
  stepfunStatelessProfile,
} from './profiles.ts';
import {
  defaultTurnDetection,
  OPENAI_VAD,
  STEPFUN_VAD,
  turnDetectionProblems,
  turnDetectionWire,
} from './vad.ts';
import { checkVoice, closestVoice } from './voices.ts';

describe('provider profiles', () => {
  it('defaults to stepaudio-2.5-realtime and reads step-2.5-realtime as its alias', () => {
    expect(stepfunProfile.defaultModel).toBe('stepaudio-2.5-realtime');
    expect(resolveModel('step-2.5-realtime', stepfunProfile)).toEqual({
      model: 'stepaudio-2.5-realtime',
      aliasOf: 'step-2.5-realtime',
    });
    expect(resolveModel('stepaudio-2.5-realtime', stepfunProfile)).toEqual({
      model: 'stepaudio-2.5-realtime',
    });
  });

  it('lists every model id the StepFun pages list', () => {
    for (const id of [
      'stepaudio-2.5-realtime',
      'stepaudio-3-realtime-preview',
      'step-1o-audio',
      'step-audio-2',
      'step-audio-2-mini',
      'step-audio-r1.1',
    ])
      expect(stepfunProfile.models).toContain(id);
  });

  it('is selectable by name and implied by the model', () => {
    expect(profileByName('stepfun')).toBe(stepfunProfile);
    expect(profileByName('stepfun-3-preview')).toBe(stepfun3PreviewProfile);
    expect(profileByName('stateless')).toBe(stepfunStatelessProfile);
    expect(profileByName('openai')).toBe(openaiProfile);
    expect(profileByName('constructor')).toBeUndefined();
    expect(profileForModel('stepaudio-3-realtime-preview')).toBe(stepfun3PreviewProfile);
    expect(profileForModel('step-overture-preview')).toBe(stepfunStatelessProfile);
    expect(profileForModel('gpt-realtime')).toBe(openaiProfile);
    expect(profileForModel('stepaudio-2.5-realtime')).toBe(stepfunProfile);
  });

  it('carries operator hints without any environment variable name', () => {
    for (const p of [stepfunProfile, stepfun3PreviewProfile, stepfunStatelessProfile, openaiProfile])
      expect(JSON.stringify(p.hints)).not.toMatch(/STEPFUN_|[A-Z]{3,}_[A-Z]{3,}/);
  });
});

describe('VAD settings', () => {
  it("has StepFun's documented defaults and ranges", () => {
    expect(defaultTurnDetection(STEPFUN_VAD)).toEqual({
      type: 'server_vad',
      silenceDurationMs: 100,
      prefixPaddingMs: 500,
      energyThreshold: 2500,
    });
    expect(STEPFUN_VAD.energyThreshold).toMatchObject({ min: 0, max: 5000 });
  });

  it('names each unusable value with its range', () => {
    expect(
      turnDetectionProblems(
        { type: 'server_vad', energyThreshold: 6000, silenceDurationMs: 0.5 },
        STEPFUN_VAD,
      ),
    ).toEqual([
      'silence duration (ms) must be an integer between 0 and 60000 (default 100); got 0.5',
      'energy threshold must be an integer between 0 and 5000 (default 2500); got 6000',
    ]);
    expect(turnDetectionProblems({ type: 'server_vad', threshold: 0.5 }, STEPFUN_VAD)).toEqual([
      'threshold is not a setting of this provider (use the energy threshold, 0-5000)',
    ]);
    expect(turnDetectionProblems({ type: 'server_vad', threshold: 0.5 }, OPENAI_VAD)).toEqual([]);
    expect(turnDetectionProblems(null, STEPFUN_VAD)).toEqual([]);
  });

  it('emits StepFun fields for stepfun and threshold for openai', () => {
    const td = {
      type: 'server_vad' as const,
      silenceDurationMs: 600,
      prefixPaddingMs: 300,
      energyThreshold: 1000,
    };
    expect(turnDetectionWire(td, 'stepfun')).toEqual({
      type: 'server_vad',
      prefix_padding_ms: 300,
      silence_duration_ms: 600,
      energy_awakeness_threshold: 1000,
    });
    expect(turnDetectionWire(td, 'openai')).toEqual({
      type: 'server_vad',
      prefix_padding_ms: 300,
      silence_duration_ms: 600,
      threshold: 0.2,
    });
    expect(turnDetectionWire(null, 'stepfun')).toBeNull();
  });
});

describe('voices', () => {
  it('knows the reference voices and the 3-preview voices', () => {
    for (const id of [
      'qingchunshaonv',
      'wenrounansheng',
      'elegantgentle-female',
      'livelybreezy-female',
      'linjiajiejie',
      'jingdiannvsheng',
      'cixingnansheng',
      'vibrant-youth',
      'lively-girl',
    ])
      expect(checkVoice(id, stepfunProfile.voices).kind).toBe('known');
  });

  it('accepts cloned voice ids and warns about unknown ones with the closest known id', () => {
    expect(checkVoice('voice-tone-FmBrMBqicC', stepfunProfile.voices)).toEqual({ kind: 'cloned' });
    const typo = checkVoice('qingchunshaonu', stepfunProfile.voices);
    expect(typo).toMatchObject({ kind: 'unknown', closest: 'qingchunshaonv' });
    if (typo.kind === 'unknown') expect(typo.warning).toMatch(/did you mean "qingchunshaonv"/);
    expect(closestVoice('Linjiajeijie', stepfunProfile.voices)).toBe('linjiajiejie');
    expect(closestVoice('zzzz', stepfunProfile.voices)).toBeUndefined();
  });
});
