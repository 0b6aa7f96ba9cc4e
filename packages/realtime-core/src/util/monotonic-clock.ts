import type { Clock } from '../session/clock.ts';

/**
 * The core `Clock` on `performance.now()`: monotonic and sub-millisecond, for pacing audio and
 * measuring latency (`Date.now()` steps when the system clock is corrected, and has 1 ms grain).
 * Timers are unref'd: a pacer alone never keeps a process alive.
 */
export const monotonicClock: Clock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    (t as { unref?: () => void }).unref?.();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
  setInterval: (fn, ms) => {
    const t = setInterval(fn, ms);
    (t as { unref?: () => void }).unref?.();
    return t;
  },
  clearInterval: (h) => clearInterval(h as ReturnType<typeof setInterval>),
};
