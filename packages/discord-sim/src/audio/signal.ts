/** Upmixes mono PCM to interleaved stereo by duplicating each sample. */
export function monoToStereo(mono: Int16Array): Int16Array {
  const out = new Int16Array(mono.length * 2);
  for (let i = 0; i < mono.length; i++) {
    const s = mono[i] ?? 0;
    out[i * 2] = s;
    out[i * 2 + 1] = s;
  }
  return out;
}

/** Averages interleaved stereo PCM down to mono. */
export function stereoToMono(stereo: Int16Array): Int16Array {
  const out = new Int16Array(stereo.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = ((stereo[i * 2] ?? 0) + (stereo[i * 2 + 1] ?? 0)) >> 1;
  return out;
}

/** Linear-interpolation resampler for test inputs (fixtures are 48 kHz already; this covers other WAVs). */
export function resampleLinear(input: Int16Array, fromRate: number, toRate: number): Int16Array {
  if (fromRate === toRate) return input;
  const outLength = Math.floor((input.length * toRate) / fromRate);
  const out = new Int16Array(outLength);
  const step = fromRate / toRate;
  for (let i = 0; i < outLength; i++) {
    const pos = i * step;
    const i0 = Math.floor(pos);
    const frac = pos - i0;
    const a = input[i0] ?? 0;
    const b = input[i0 + 1] ?? a;
    out[i] = Math.round(a + (b - a) * frac);
  }
  return out;
}

/** Result of aligning a decoded signal against its source. */
export interface AlignedSnr {
  /** Samples the decoded signal lags the reference by. */
  lag: number;
  /** Signal-to-noise ratio in dB of the decoded signal over the overlapping span. */
  snrDb: number;
}

/**
 * Finds the lag (0..maxLag) maximising cross-correlation, then reports the SNR at that lag.
 * Opus adds a few ms of algorithmic delay, so a naive sample-by-sample comparison is meaningless.
 */
export function alignedSnr(reference: Int16Array, decoded: Int16Array, maxLag = 2400): AlignedSnr {
  let bestLag = 0;
  let bestCorr = Number.NEGATIVE_INFINITY;
  const span = Math.min(reference.length, decoded.length);
  for (let lag = 0; lag <= maxLag && lag < decoded.length; lag++) {
    let corr = 0;
    const n = Math.min(reference.length, decoded.length - lag);
    // Every 4th sample is plenty to find the peak and keeps this cheap.
    for (let i = 0; i < n; i += 4) corr += (reference[i] ?? 0) * (decoded[i + lag] ?? 0);
    if (corr > bestCorr) {
      bestCorr = corr;
      bestLag = lag;
    }
  }
  let signal = 0;
  let noise = 0;
  const n = Math.min(reference.length, decoded.length - bestLag, span);
  for (let i = 0; i < n; i++) {
    const r = reference[i] ?? 0;
    const d = decoded[i + bestLag] ?? 0;
    signal += r * r;
    noise += (r - d) * (r - d);
  }
  const snrDb = noise === 0 ? Number.POSITIVE_INFINITY : 10 * Math.log10(signal / noise);
  return { lag: bestLag, snrDb };
}

/** A sine tone as mono PCM16. */
export function sineTone(
  frequencyHz: number,
  durationMs: number,
  sampleRate = 48_000,
  amplitude = 0.3,
): Int16Array {
  const n = Math.round((sampleRate * durationMs) / 1000);
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++)
    out[i] = Math.round(Math.sin((2 * Math.PI * frequencyHz * i) / sampleRate) * amplitude * 32767);
  return out;
}
