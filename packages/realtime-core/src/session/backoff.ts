/** Exponential backoff with full jitter; pure (the random source is injected). */
export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
  maxAttempts: number;
}

export const defaultBackoff: BackoffPolicy = { baseMs: 250, maxMs: 10_000, maxAttempts: 8 };

/** Delay before reconnect attempt `attempt` (1-based), or `null` when attempts are exhausted. */
export function backoffDelay(policy: BackoffPolicy, attempt: number, random: () => number): number | null {
  if (attempt > policy.maxAttempts) return null;
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** (attempt - 1));
  // Half fixed, half jitter: spreads a fleet's reconnects without ever retrying instantly.
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
