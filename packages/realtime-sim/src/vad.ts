// Energy-based server VAD, driven by sample counts only (no clock), so a test controls time by how
// much audio it appends.
//
// StepFun's reference documents `energy_awakeness_threshold` (0–5000, default 2500) as the energy above
// which "the user starts speaking" (https://platform.stepfun.com/docs/zh/api-reference/realtime/chat,
// session.update > turn_detection). It does not define "energy"; this simulator takes the RMS of the
// 16-bit samples over 10 ms. The threshold wakes the detector; once awake, speech continues while the
// level stays above a floor (−40 dBFS), and `silence_duration_ms` below it ends the turn.

export interface VadSettings {
  /** RMS (16-bit scale) that starts a turn. */
  startRms: number;
  /** RMS below which a window counts as silence once a turn has started. */
  continueRms: number;
  prefixPaddingMs: number;
  silenceDurationMs: number;
}

/** −40 dBFS: quieter than any speech, louder than a clean line's noise floor. */
const FLOOR_RMS = 32768 * 10 ** (-40 / 20);

/** StepFun's documented defaults: prefix 500 ms, silence 100 ms, energy threshold 2500. */
export const STEPFUN_VAD_DEFAULTS = {
  prefix_padding_ms: 500,
  silence_duration_ms: 100,
  energy_awakeness_threshold: 2500,
};

/** OpenAI's documented server_vad defaults. */
export const OPENAI_VAD_DEFAULTS = { threshold: 0.5, prefix_padding_ms: 300, silence_duration_ms: 500 };

export function stepfunVad(td: {
  prefix_padding_ms?: number;
  silence_duration_ms?: number;
  energy_awakeness_threshold?: number;
}): VadSettings {
  const energy = td.energy_awakeness_threshold ?? STEPFUN_VAD_DEFAULTS.energy_awakeness_threshold;
  return {
    startRms: energy,
    continueRms: Math.min(energy, FLOOR_RMS),
    prefixPaddingMs: td.prefix_padding_ms ?? STEPFUN_VAD_DEFAULTS.prefix_padding_ms,
    silenceDurationMs: td.silence_duration_ms ?? STEPFUN_VAD_DEFAULTS.silence_duration_ms,
  };
}

/** OpenAI's `threshold` (0..1) mapped onto an RMS level between −60 and −20 dBFS. */
export function openaiVad(td: {
  threshold?: number;
  prefix_padding_ms?: number;
  silence_duration_ms?: number;
}): VadSettings {
  const t = Math.min(1, Math.max(0, td.threshold ?? OPENAI_VAD_DEFAULTS.threshold));
  const level = 32768 * 10 ** ((-60 + 40 * t) / 20);
  return {
    startRms: level,
    continueRms: level,
    prefixPaddingMs: td.prefix_padding_ms ?? OPENAI_VAD_DEFAULTS.prefix_padding_ms,
    silenceDurationMs: td.silence_duration_ms ?? OPENAI_VAD_DEFAULTS.silence_duration_ms,
  };
}

/**
 * Range checks from the reference's turn_detection table (energy 0–5000; durations are integers of
 * milliseconds). Returns the offending parameter and why, or undefined.
 */
export function invalidTurnDetection(td: {
  type: string;
  prefix_padding_ms?: number | undefined;
  silence_duration_ms?: number | undefined;
  energy_awakeness_threshold?: number | undefined;
  threshold?: number | undefined;
}): [param: string, message: string] | undefined {
  if (td.type !== 'server_vad') return ['turn_detection.type', "turn_detection.type must be 'server_vad'"];
  const badMs = (v: number | undefined) => v !== undefined && (!Number.isInteger(v) || v < 0 || v > 60_000);
  for (const key of ['prefix_padding_ms', 'silence_duration_ms'] as const)
    if (badMs(td[key]))
      return [`turn_detection.${key}`, `${key} must be an integer number of milliseconds (0-60000)`];
  const energy = td.energy_awakeness_threshold;
  if (energy !== undefined && (!Number.isInteger(energy) || energy < 0 || energy > 5000))
    return [
      'turn_detection.energy_awakeness_threshold',
      'energy_awakeness_threshold must be an integer in 0-5000',
    ];
  if (td.threshold !== undefined && (td.threshold < 0 || td.threshold > 1))
    return ['turn_detection.threshold', 'threshold must be between 0 and 1'];
  return undefined;
}

/** VAD settings from a `turn_detection` in the dialect's vocabulary. */
export function vadFor(dialect: 'stepfun' | 'openai', td: Record<string, unknown>): VadSettings {
  return dialect === 'openai' ? openaiVad(td) : stepfunVad(td);
}

/**
 * `turn_detection` before the client sends one. The reference: "ServerVAD 参数，默认关闭" (off); the
 * developer guide: "默认情况下，实时会话启用语音活动检测" (on). Off for stepfun unless told otherwise;
 * on for openai, with its documented defaults.
 */
export function initialTurnDetection(
  dialect: 'stepfun' | 'openai',
  vadOnByDefault: boolean | undefined,
): Record<string, unknown> | null {
  if (!(vadOnByDefault ?? dialect === 'openai')) return null;
  return dialect === 'openai' ? { type: 'server_vad', ...OPENAI_VAD_DEFAULTS } : { type: 'server_vad' };
}

export type VadEvent =
  | { type: 'speech_started'; audioStartMs: number }
  | { type: 'speech_stopped'; audioEndMs: number; startSample: number; endSample: number };

const WINDOW_MS = 10;

/** Tracks speech in a stream of PCM16 at `rate`; positions are in samples since the stream began. */
export class EnergyVad {
  readonly #rate: number;
  settings: VadSettings;
  #pos = 0;
  #windowFill = 0;
  #windowEnergy = 0;
  #speaking = false;
  #speechStart = 0;
  #lastVoiced = 0;

  constructor(rate: number, settings: VadSettings) {
    this.#rate = rate;
    this.settings = settings;
  }

  get speaking(): boolean {
    return this.#speaking;
  }

  push(pcm: Int16Array): VadEvent[] {
    const events: VadEvent[] = [];
    const windowSamples = (this.#rate * WINDOW_MS) / 1000;
    for (let i = 0; i < pcm.length; i++) {
      const v = pcm[i]!;
      this.#windowEnergy += v * v;
      this.#windowFill++;
      this.#pos++;
      if (this.#windowFill < windowSamples) continue;
      const rms = Math.sqrt(this.#windowEnergy / windowSamples);
      this.#windowEnergy = 0;
      this.#windowFill = 0;
      if (!this.#speaking) {
        if (rms <= this.settings.startRms) continue;
        this.#speaking = true;
        this.#lastVoiced = this.#pos;
        const padding = (this.settings.prefixPaddingMs * this.#rate) / 1000;
        this.#speechStart = Math.max(0, this.#pos - windowSamples - padding);
        events.push({ type: 'speech_started', audioStartMs: this.#ms(this.#speechStart) });
      } else if (rms > this.settings.continueRms) {
        this.#lastVoiced = this.#pos;
      } else if (this.#pos - this.#lastVoiced >= (this.settings.silenceDurationMs * this.#rate) / 1000) {
        this.#speaking = false;
        events.push({
          type: 'speech_stopped',
          audioEndMs: this.#ms(this.#pos),
          startSample: this.#speechStart,
          endSample: this.#pos,
        });
      }
    }
    return events;
  }

  #ms(samples: number): number {
    return Math.round((samples * 1000) / this.#rate);
  }
}
