// Server VAD settings in the session's vocabulary, checked against what the provider documents and
// turned into the provider's `turn_detection`.
//
// StepFun (https://platform.stepfun.com/docs/zh/api-reference/realtime/chat, session.update >
// turn_detection): `prefix_padding_ms` (default 500), `silence_duration_ms` (default 100) and
// `energy_awakeness_threshold` (0–5000, default 2500: audio energy above it starts speech). There is no
// `threshold`. OpenAI: `threshold` 0–1 (default 0.5), `prefix_padding_ms` 300, `silence_duration_ms` 500.

export interface TurnDetection {
  type: 'server_vad';
  /** Silence after speech that ends the user's turn, in ms. */
  silenceDurationMs?: number | undefined;
  /** Audio kept from before the detected start of speech, in ms. */
  prefixPaddingMs?: number | undefined;
  /** StepFun's `energy_awakeness_threshold` (0–5000): energy above it counts as the start of speech. */
  energyThreshold?: number | undefined;
  /** OpenAI's `threshold` (0–1); StepFun has no such field. */
  threshold?: number | undefined;
}

export interface VadRange {
  default: number;
  min: number;
  max: number;
}

/** What a provider documents for each setting; `undefined` = the provider has no such setting. */
export interface VadSpec {
  silenceDurationMs: VadRange;
  prefixPaddingMs: VadRange;
  energyThreshold: VadRange | undefined;
  threshold: VadRange | undefined;
}

/** Durations above a minute are certainly a unit mistake (seconds typed as ms); the docs give no maximum. */
const MAX_MS = 60_000;

export const STEPFUN_VAD: VadSpec = {
  silenceDurationMs: { default: 100, min: 0, max: MAX_MS },
  prefixPaddingMs: { default: 500, min: 0, max: MAX_MS },
  energyThreshold: { default: 2500, min: 0, max: 5000 },
  threshold: undefined,
};

export const OPENAI_VAD: VadSpec = {
  silenceDurationMs: { default: 500, min: 0, max: MAX_MS },
  prefixPaddingMs: { default: 300, min: 0, max: MAX_MS },
  energyThreshold: undefined,
  threshold: { default: 0.5, min: 0, max: 1 },
};

const LABEL: Record<keyof VadSpec, string> = {
  silenceDurationMs: 'silence duration (ms)',
  prefixPaddingMs: 'prefix padding (ms)',
  energyThreshold: 'energy threshold',
  threshold: 'threshold',
};

/**
 * One line per unusable setting, empty when all are fine: a value the provider does not take, out of
 * its documented range, or a fraction where milliseconds are due.
 */
export function turnDetectionProblems(td: TurnDetection | null | undefined, spec: VadSpec): string[] {
  if (!td) return [];
  const problems: string[] = [];
  for (const key of ['silenceDurationMs', 'prefixPaddingMs', 'energyThreshold', 'threshold'] as const) {
    const value = td[key];
    if (value === undefined) continue;
    const range = spec[key];
    if (!range) {
      const other = key === 'threshold' ? ' (use the energy threshold, 0-5000)' : ' (use threshold, 0-1)';
      problems.push(`${LABEL[key]} is not a setting of this provider${other}`);
      continue;
    }
    const integer = key !== 'threshold';
    if (
      !Number.isFinite(value) ||
      (integer && !Number.isInteger(value)) ||
      value < range.min ||
      value > range.max
    ) {
      problems.push(
        `${LABEL[key]} must be ${integer ? 'an integer ' : ''}between ${range.min} and ${range.max} (default ${range.default}); got ${value}`,
      );
    }
  }
  return problems;
}

/** The documented defaults, as a complete setting (what the server uses when nothing is sent). */
export function defaultTurnDetection(
  spec: VadSpec,
): Required<Pick<TurnDetection, 'silenceDurationMs' | 'prefixPaddingMs'>> & TurnDetection {
  return {
    type: 'server_vad',
    silenceDurationMs: spec.silenceDurationMs.default,
    prefixPaddingMs: spec.prefixPaddingMs.default,
    ...(spec.energyThreshold ? { energyThreshold: spec.energyThreshold.default } : {}),
    ...(spec.threshold ? { threshold: spec.threshold.default } : {}),
  };
}

/** The wire `turn_detection` for a dialect; settings the dialect lacks are not sent. */
export function turnDetectionWire(
  td: TurnDetection | null,
  dialect: 'stepfun' | 'openai',
): Record<string, unknown> | null {
  if (td === null) return null;
  const common = {
    type: 'server_vad',
    ...(td.prefixPaddingMs === undefined ? {} : { prefix_padding_ms: td.prefixPaddingMs }),
    ...(td.silenceDurationMs === undefined ? {} : { silence_duration_ms: td.silenceDurationMs }),
  };
  if (dialect === 'stepfun') {
    return td.energyThreshold === undefined
      ? common
      : { ...common, energy_awakeness_threshold: td.energyThreshold };
  }
  // OpenAI has no energy scale; an energy threshold maps linearly onto its 0–1 threshold.
  const threshold =
    td.threshold ?? (td.energyThreshold === undefined ? undefined : td.energyThreshold / 5000);
  return threshold === undefined ? common : { ...common, threshold };
}
