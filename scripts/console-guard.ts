// Fails any test that writes to the console: libraries log through injected
// loggers, so stray output is either a bug or noise that hides one.
import { afterEach, beforeEach, expect } from 'vitest';

const methods = ['log', 'info', 'warn', 'error', 'debug'] as const;
let calls: string[] = [];
const originals = new Map<string, (...args: unknown[]) => void>();

beforeEach(() => {
  calls = [];
  for (const m of methods) {
    originals.set(m, console[m]);
    console[m] = (...args: unknown[]) => {
      calls.push(`console.${m}: ${args.map(String).join(' ')}`);
    };
  }
});

afterEach(() => {
  for (const m of methods) {
    const original = originals.get(m);
    if (original) console[m] = original;
  }
  expect(calls, 'unexpected console output').toEqual([]);
});
