// How many automatic reconnects a session, and the whole process, may make in a window. A retry
// counter that resets after every successful connection cannot stop a server that accepts and then
// refuses again and again (quota exhausted, close 1008): each loop looks like a fresh start, and on
// StepFun's lowest tier (10 requests a minute) the loop itself burns the quota. Pure: time is passed in.

export interface BudgetWindow {
  max: number;
  windowMs: number;
}

/** A sliding window of granted reconnect times. */
export class ReconnectBudget {
  readonly max: number;
  readonly windowMs: number;
  readonly #granted: number[] = [];

  constructor(window: BudgetWindow) {
    this.max = window.max;
    this.windowMs = window.windowMs;
  }

  #prune(now: number): void {
    while (this.#granted.length > 0 && this.#granted[0]! <= now - this.windowMs) this.#granted.shift();
  }

  /** Grants a reconnect now, or refuses (the caller gives up). */
  tryTake(now: number): boolean {
    this.#prune(now);
    if (this.#granted.length >= this.max) return false;
    this.#granted.push(now);
    return true;
  }

  /**
   * Books the earliest slot at or after `now` and returns how long to wait for it: reconnects beyond
   * the budget are spread out instead of refused (the process budget is shared by every session).
   */
  reserve(now: number): number {
    this.#prune(now);
    let at = now;
    if (this.#granted.length >= this.max)
      at = Math.max(now, this.#granted[this.#granted.length - this.max]! + this.windowMs);
    this.#granted.push(at);
    this.#granted.sort((a, b) => a - b);
    return at - now;
  }
}

const processBudgets = new Map<string, ReconnectBudget>();

/**
 * The process-wide budget for a provider, shared by every session using that profile name. Kept in
 * the module because "the process" is exactly what it limits.
 */
export function processReconnectBudget(name: string, window: BudgetWindow): ReconnectBudget {
  let budget = processBudgets.get(name);
  if (!budget) {
    budget = new ReconnectBudget(window);
    processBudgets.set(name, budget);
  }
  return budget;
}
