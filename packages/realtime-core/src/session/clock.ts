/** Time and timers, injected so state machines can be tested with fake timers. */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

/** A clock on `now`, with unref'd timers: a timer alone never keeps a process alive. */
export function clockOn(now: () => number): Clock {
  return {
    now,
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
}

/** Wall-clock time (the session's timestamps, reconnect budgets). */
export const systemClock: Clock = clockOn(() => Date.now());

/** pino-compatible structured logger. */
export interface Logger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
