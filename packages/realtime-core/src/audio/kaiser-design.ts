// Windowed-sinc prototype filters for the polyphase resampler. Designed once per rate pair
// and shared by every instance (a bot runs thousands of resamplers; tables are per pair).

/** Zeroth-order modified Bessel function of the first kind (series; converges fast for β ≤ 20). */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const q = (x * x) / 4;
  for (let k = 1; k < 64; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}

export interface FilterSpec {
  /** Upsampling factor (number of phases). */
  up: number;
  down: number;
  /** Taps per phase (even). */
  tapsPerPhase: number;
  /** Phase-major coefficients, each phase stored oldest-sample-first: `coeffs[p * K + k]`. */
  coeffs: Float32Array;
  /** Group delay in input samples. */
  delayInput: number;
}

export interface DesignTargets {
  /** Passband edge as a fraction of the lower rate. */
  passband: number;
  /** Stopband attenuation in dB. */
  attenuationDb: number;
}

/** The project's quality bar: flat to 0.42 × the lower rate, ≥ 100 dB down from its Nyquist. */
export const DEFAULT_TARGETS: DesignTargets = { passband: 0.42, attenuationDb: 100 };

const cache = new Map<string, FilterSpec>();

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** Returns the (cached) polyphase filter for `inputRate → outputRate`. */
export function designFilter(inputRate: number, outputRate: number, targets = DEFAULT_TARGETS): FilterSpec {
  const key = `${inputRate}:${outputRate}:${targets.passband}:${targets.attenuationDb}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const g = gcd(inputRate, outputRate);
  const up = outputRate / g;
  const down = inputRate / g;
  const lower = Math.min(inputRate, outputRate);
  const protoRate = inputRate * up;
  const passEdge = targets.passband * lower;
  const stopEdge = 0.5 * lower;
  const cutoff = (passEdge + stopEdge) / 2;
  const a = targets.attenuationDb;
  const beta = a > 50 ? 0.1102 * (a - 8.7) : 0.5842 * (a - 21) ** 0.4 + 0.07886 * (a - 21);
  const deltaOmega = (2 * Math.PI * (stopEdge - passEdge)) / protoRate;
  const minLength = Math.ceil((a - 7.95) / (2.285 * deltaOmega)) + 1;
  let tapsPerPhase = Math.ceil(minLength / up);
  if (tapsPerPhase % 2 === 1) tapsPerPhase++;
  const n = tapsPerPhase * up;
  const centre = (n - 1) / 2;
  const fc = cutoff / protoRate;
  const i0Beta = besselI0(beta);
  const proto = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t = i - centre;
    const sinc = t === 0 ? 2 * fc : Math.sin(2 * Math.PI * fc * t) / (Math.PI * t);
    const r = (2 * i) / (n - 1) - 1;
    proto[i] = sinc * (besselI0(beta * Math.sqrt(Math.max(0, 1 - r * r))) / i0Beta) * up;
  }
  // Phase p takes proto[p + k·up]; stored reversed so the inner loop walks input forwards.
  const coeffs = new Float32Array(n);
  for (let p = 0; p < up; p++) {
    for (let k = 0; k < tapsPerPhase; k++)
      coeffs[p * tapsPerPhase + (tapsPerPhase - 1 - k)] = proto[p + k * up]!;
  }
  const spec: FilterSpec = { up, down, tapsPerPhase, coeffs, delayInput: centre / up };
  cache.set(key, spec);
  return spec;
}
