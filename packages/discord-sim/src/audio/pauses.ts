import { type FixtureName, fixturePath } from '../fixtures.ts';
import { readWav } from './wav.ts';

/** A pause in 48 kHz speech: where it starts and how long it lasts, in ms. */
export interface Pause {
  atMs: number;
  ms: number;
}

export interface SpeechWithPauses {
  /** 48 kHz mono PCM16. */
  pcm: Int16Array;
  /** The pauses inserted, in order, at their exact positions. */
  pauses: Pause[];
}

const SAMPLES_PER_MS = 48;

/** Joins 48 kHz mono phrases with pauses of digital silence between them. */
export function withPauses(parts: readonly (Int16Array | { pauseMs: number })[]): SpeechWithPauses {
  const lengths = parts.map((p) => (p instanceof Int16Array ? p.length : pauseSamples(p.pauseMs)));
  const pcm = new Int16Array(lengths.reduce((a, b) => a + b, 0));
  const pauses: Pause[] = [];
  let at = 0;
  parts.forEach((part, i) => {
    if (part instanceof Int16Array) pcm.set(part, at);
    else pauses.push({ atMs: at / SAMPLES_PER_MS, ms: part.pauseMs });
    at += lengths[i] ?? 0;
  });
  return { pcm, pauses };
}

function pauseSamples(ms: number): number {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`withPauses: pauseMs must be ≥ 0, got ${ms}`);
  return Math.round(ms * SAMPLES_PER_MS);
}

/** Default level under which 1 ms of audio counts as silence when measuring pauses. */
const QUIET_DBFS = -50;

/**
 * Measures the silent stretches of 48 kHz mono PCM at 1 ms resolution: runs of 1 ms windows
 * whose RMS is at or below `quietDbfs`, at least `minMs` long. Leading and trailing silence
 * are not pauses.
 */
export function measurePauses(pcm48kMono: Int16Array, minMs = 20, quietDbfs = QUIET_DBFS): Pause[] {
  const limit = 32768 * 10 ** (quietDbfs / 20);
  const limitEnergy = limit * limit * SAMPLES_PER_MS;
  const windows = Math.floor(pcm48kMono.length / SAMPLES_PER_MS);
  const loud: boolean[] = [];
  for (let w = 0; w < windows; w++) {
    let energy = 0;
    for (let i = w * SAMPLES_PER_MS; i < (w + 1) * SAMPLES_PER_MS; i++) energy += (pcm48kMono[i] ?? 0) ** 2;
    loud.push(energy > limitEnergy);
  }
  const first = loud.indexOf(true);
  const last = loud.lastIndexOf(true);
  const pauses: Pause[] = [];
  let runStart = -1;
  for (let w = first; first >= 0 && w <= last; w++) {
    if (!loud[w] && runStart < 0) runStart = w;
    if (loud[w] && runStart >= 0) {
      if (w - runStart >= minMs) pauses.push({ atMs: runStart, ms: w - runStart });
      runStart = -1;
    }
  }
  return pauses;
}

/** The speech of a fixture with its leading and trailing silence cut off (1 ms resolution). */
export function trimSilence(pcm48kMono: Int16Array, quietDbfs = QUIET_DBFS): Int16Array {
  const limit = 32768 * 10 ** (quietDbfs / 20);
  const limitEnergy = limit * limit * SAMPLES_PER_MS;
  const loudAt = (w: number) => {
    let energy = 0;
    for (let i = w * SAMPLES_PER_MS; i < (w + 1) * SAMPLES_PER_MS; i++) energy += (pcm48kMono[i] ?? 0) ** 2;
    return energy > limitEnergy;
  };
  const windows = Math.ceil(pcm48kMono.length / SAMPLES_PER_MS);
  let first = 0;
  while (first < windows && !loudAt(first)) first++;
  let last = windows - 1;
  while (last > first && !loudAt(last)) last--;
  if (first >= windows) return new Int16Array(0);
  return pcm48kMono.slice(first * SAMPLES_PER_MS, (last + 1) * SAMPLES_PER_MS);
}

/** One phrase of a fixture: all of its speech, or only its first stretch without a pause. */
export interface FixturePhrase {
  fixture: FixtureName;
  /** `'first'`: up to the fixture's first pause of ≥ 20 ms, so the built clip has one pause only. */
  part?: 'whole' | 'first' | undefined;
}

export interface FixturePauseClip extends SpeechWithPauses {
  /** The inserted pause, where it really is in `pcm` (the phrases' edge silence is trimmed). */
  pause: Pause;
  /** Every pause in `pcm` as measured (the fixtures' own pauses between words included). */
  measured: Pause[];
}

function phrasePcm(phrase: FixturePhrase): Int16Array {
  const speech = trimSilence(readWav(fixturePath(phrase.fixture)).samples);
  if (phrase.part !== 'first') return speech;
  const firstPause = measurePauses(speech)[0];
  return firstPause ? trimSilence(speech.subarray(0, firstPause.atMs * SAMPLES_PER_MS)) : speech;
}

/**
 * "Phrase A, pause P, phrase B" from the shipped fixtures (48 kHz mono), e.g.
 * `fixtureWithPause({ fixture: 'en-alice', part: 'first' }, 300, { fixture: 'en-bob', part: 'first' })`.
 */
export function fixtureWithPause(a: FixturePhrase, pauseMs: number, b: FixturePhrase): FixturePauseClip {
  const built = withPauses([phrasePcm(a), { pauseMs }, phrasePcm(b)]);
  const pause = built.pauses[0] ?? { atMs: 0, ms: pauseMs };
  return { ...built, pause, measured: measurePauses(built.pcm) };
}
