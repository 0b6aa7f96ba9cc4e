// The provider's per-key limits, as StepFun's pricing page tabulates them per tier
// (https://platform.stepfun.com/docs/zh/guides/pricing/details, "充值与限速表": V0 allows 5 concurrent
// requests and 10 RPM). Pure: the clock is passed in.

export interface LimitSettings {
  requestsPerMinute?: number;
  concurrentSessions?: number;
}

export type Admission = { ok: true } | { ok: false; reason: 'rpm' | 'concurrency'; retryAfterSec: number };

const WINDOW_MS = 60_000;

export class RateLimiter {
  readonly #limits: LimitSettings;
  readonly #starts: number[] = [];
  #open = 0;

  constructor(limits: LimitSettings = {}) {
    this.#limits = limits;
  }

  #prune(now: number): void {
    while (this.#starts.length > 0 && this.#starts[0]! <= now - WINDOW_MS) this.#starts.shift();
  }

  /** Counts one request (an upgrade) if the limits allow it. */
  admit(now: number): Admission {
    this.#prune(now);
    const rpm = this.#limits.requestsPerMinute;
    if (rpm !== undefined && this.#starts.length >= rpm) {
      const retryAfterSec = Math.max(1, Math.ceil((this.#starts[0]! + WINDOW_MS - now) / 1000));
      return { ok: false, reason: 'rpm', retryAfterSec };
    }
    const max = this.#limits.concurrentSessions;
    if (max !== undefined && this.#open >= max) return { ok: false, reason: 'concurrency', retryAfterSec: 5 };
    this.#starts.push(now);
    return { ok: true };
  }

  opened(): void {
    this.#open++;
  }

  closed(): void {
    this.#open = Math.max(0, this.#open - 1);
  }

  /** What rate_limits.updated reports: requests left in the rolling minute. */
  requests(now: number): { limit: number; remaining: number; resetSeconds: number } {
    this.#prune(now);
    const limit = this.#limits.requestsPerMinute ?? 1000;
    const oldest = this.#starts[0];
    const resetSeconds = oldest === undefined ? 0 : Math.max(0, Math.ceil((oldest + WINDOW_MS - now) / 1000));
    return { limit, remaining: Math.max(0, limit - this.#starts.length), resetSeconds };
  }
}
