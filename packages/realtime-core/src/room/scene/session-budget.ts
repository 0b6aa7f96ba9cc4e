// How many model sessions may be open at once. StepFun's lowest tier allows about 5 concurrent
// sessions per account (https://platform.stepfun.com/docs/zh/guides/pricing/details), shared by
// every channel of a process; a scene has its own limit too. A counter is enough: one per process,
// handed to every scene.
import type { SessionBudget } from './scene-types.ts';

export class SessionCounter implements SessionBudget {
  readonly limit: number;
  #inUse = 0;

  constructor(limit: number) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError(`a session budget must be a whole number ≥ 1 (got ${limit})`);
    this.limit = limit;
  }

  get inUse(): number {
    return this.#inUse;
  }

  tryAcquire(): boolean {
    if (this.#inUse >= this.limit) return false;
    this.#inUse++;
    return true;
  }

  release(): void {
    this.#inUse = Math.max(0, this.#inUse - 1);
  }
}

/**
 * What a process with `limit` concurrent sessions gets, in a sentence for admins and logs: every
 * connected character is one session (a one-character channel too), characters connect when first
 * needed, and when the budget is spent the least recently used idle character of the scene gives
 * its session up.
 */
export function describeSessionBudget(limit: number, castSize: number): string {
  const full = Math.floor(limit / Math.max(1, castSize));
  const scenes =
    castSize <= 1
      ? `${limit} one-character channels`
      : full >= 1
        ? `${full} ${castSize}-character scene${full === 1 ? '' : 's'} with every character connected${limit - full * castSize > 0 ? ` plus ${limit - full * castSize} more session${limit - full * castSize === 1 ? '' : 's'}` : ''}`
        : `a ${castSize}-character scene with ${limit} of its characters connected at a time`;
  return `With ${limit} concurrent model sessions this server gets ${scenes}; characters connect when first addressed, and when no session is free the scene's least recently used idle character gives its up (it catches up from the scene's text when it returns).`;
}
