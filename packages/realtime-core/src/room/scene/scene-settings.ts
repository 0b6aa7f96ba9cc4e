// A scene's settings, checked once where the options come in.
import { SCENE_MODES, type SceneMode } from './director.ts';
import type { SceneOptions, SceneSettings } from './scene-types.ts';

export const SCENE_DEFAULTS = {
  maxCast: 3,
  maxCharacterTurns: 2,
  transcriptWaitMs: 1200,
  stepTimeoutMs: 30_000,
  memoryChars: 4000,
} as const;

/** The numbers a scene runs by, defaults filled in and checked. */
export interface SceneLimits {
  maxCast: number;
  maxLiveSessions: number;
  transcriptWaitMs: number;
  stepTimeoutMs: number;
  memoryChars: number;
}

export function sceneLimits(o: SceneOptions): SceneLimits {
  const maxCast = positiveInt(o.maxCast ?? SCENE_DEFAULTS.maxCast, 'maxCast');
  if (o.characters.length === 0) throw new RangeError('a scene needs at least one character');
  if (o.characters.length > maxCast)
    throw new RangeError(`a scene takes at most ${maxCast} characters (got ${o.characters.length})`);
  return {
    maxCast,
    maxLiveSessions: positiveInt(o.maxLiveSessions ?? maxCast, 'maxLiveSessions'),
    transcriptWaitMs: nonNegative(o.transcriptWaitMs ?? SCENE_DEFAULTS.transcriptWaitMs, 'transcriptWaitMs'),
    stepTimeoutMs: positiveInt(o.stepTimeoutMs ?? SCENE_DEFAULTS.stepTimeoutMs, 'stepTimeoutMs'),
    memoryChars: nonNegative(o.memoryChars ?? SCENE_DEFAULTS.memoryChars, 'memoryChars'),
  };
}

export function sceneSettings(o: SceneOptions): SceneSettings {
  return {
    mode: checkMode(o.mode ?? 'lead'),
    lead: o.lead,
    addressedOnly: o.addressedOnly ?? false,
    maxCharacterTurns: positiveInt(
      o.maxCharacterTurns ?? SCENE_DEFAULTS.maxCharacterTurns,
      'maxCharacterTurns',
    ),
  };
}

export function checkMode(mode: SceneMode): SceneMode {
  if (!SCENE_MODES.includes(mode))
    throw new RangeError(`mode must be one of ${SCENE_MODES.join(', ')} (got ${String(mode)})`);
  return mode;
}

function positiveInt(n: number, what: string): number {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`${what} must be a whole number ≥ 1 (got ${n})`);
  return n;
}

function nonNegative(n: number, what: string): number {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`${what} must be a whole number ≥ 0 (got ${n})`);
  return n;
}
