// Deterministic, speech-like reply audio. Its fundamental encodes the session's voice, so a
// test can tell which voice answered by measuring pitch, and its length by counting samples.

const KNOWN: Record<string, number> = {
  qingchunshaonv: 260,
  wenrounansheng: 120,
  'elegantgentle-female': 220,
  'livelybreezy-female': 300,
};

/** The fundamental frequency (Hz) the simulator speaks a voice at: distinct voices, distinct pitches. */
export function voicePitchHz(voice: string): number {
  const known = KNOWN[voice];
  if (known) return known;
  let h = 2166136261;
  for (const ch of voice) h = Math.imul(h ^ ch.codePointAt(0)!, 16777619) >>> 0;
  return 100 + (h % 41) * 5; // 100..300 Hz in 5 Hz steps
}

/** A voiced signal (harmonics with a syllable envelope) of `ms` milliseconds at `rate`. */
export function synthesizeSpeech(voice: string, ms: number, rate = 24_000): Int16Array {
  const n = Math.round((rate * ms) / 1000);
  // The unfaded waveform depends only on voice and rate: computed once and reused, so a reply
  // costs a copy instead of 7 sin() per sample on the server's event loop (it serves many sessions).
  const raw = rawSpeech(voice, rate, n);
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) {
    const fade = Math.min(1, i / (rate * 0.01), (n - i) / (rate * 0.01));
    out[i] = Math.round(7000 * fade * raw[i]!);
  }
  return out;
}

const rawCache = new Map<string, Float32Array>();

/** The voiced waveform (harmonics × syllable envelope), at least `n` samples long. */
function rawSpeech(voice: string, rate: number, n: number): Float32Array {
  const key = `${voice}@${rate}`;
  const cached = rawCache.get(key);
  if (cached && cached.length >= n) return cached;
  const f0 = voicePitchHz(voice);
  const raw = new Float32Array(Math.max(n, rate * 10));
  for (let i = 0; i < raw.length; i++) {
    const t = i / rate;
    let v = 0;
    for (let h = 1; h <= 6; h++) v += Math.sin(2 * Math.PI * f0 * h * t) / h;
    // 4 syllables a second, never fully silent so server-side VAD in a listener stays engaged.
    raw[i] = (0.55 + 0.45 * Math.sin(2 * Math.PI * 4 * t - Math.PI / 2)) * v;
  }
  rawCache.set(key, raw);
  return raw;
}

/** Estimates the fundamental of a voiced PCM16 signal by autocorrelation (for tests). */
export function estimatePitchHz(pcm: Int16Array, rate: number, minHz = 80, maxHz = 400): number {
  const n = Math.min(pcm.length, Math.round(rate * 0.2));
  const start = Math.max(0, Math.floor((pcm.length - n) / 2));
  let bestLag = 0;
  let best = -Infinity;
  for (let lag = Math.floor(rate / maxHz); lag <= Math.ceil(rate / minHz); lag++) {
    let acc = 0;
    for (let i = start; i < start + n - lag; i++) acc += pcm[i]! * pcm[i + lag]!;
    if (acc > best) {
      best = acc;
      bestLag = lag;
    }
  }
  return bestLag === 0 ? 0 : rate / bestLag;
}
