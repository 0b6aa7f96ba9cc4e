import { type Clock, clockOn } from '../session/clock.ts';

/**
 * The core `Clock` on `performance.now()`: monotonic and sub-millisecond, for pacing audio and
 * measuring latency (`Date.now()` steps when the system clock is corrected, and has 1 ms grain).
 * Timers are unref'd: a pacer alone never keeps a process alive.
 */
export const monotonicClock: Clock = clockOn(() => performance.now());
