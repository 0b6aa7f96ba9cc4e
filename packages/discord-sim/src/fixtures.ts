import { fileURLToPath } from 'node:url';

/** The speech fixtures shipped in `fixtures/` (48 kHz mono 16-bit WAV, 3–4 s). */
export type FixtureName = 'en-alice' | 'en-bob' | 'zh-mei';

/** Absolute path of a fixture WAV; `.wav` is optional. */
export function fixturePath(name: FixtureName | `${FixtureName}.wav`): string {
  const file = name.endsWith('.wav') ? name : `${name}.wav`;
  return fileURLToPath(new URL(`../fixtures/${file}`, import.meta.url));
}
