// What to do when a connection closes: stop with an explanation, or reconnect after how long.
// Pure: the budgets hold the only state, and the caller passes the time.
import type { TransportCloseInfo } from '../transport/types.ts';
import { type BackoffPolicy, backoffDelay } from './backoff.ts';
import { RealtimeError, reconnectBudgetExhausted, reconnectExhausted } from './errors.ts';
import { classifyRefusal, type FailureContext } from './failures.ts';
import type { ReconnectBudget } from './reconnect-budget.ts';

export interface ReconnectContext {
  failure: FailureContext;
  backoff: BackoffPolicy;
  random: () => number;
  /** Reconnects after a connection that reached ready, per session: ends a flapping session. */
  sessionBudget: ReconnectBudget;
  /** Every automatic reconnect of the process: spreads them out when many sessions drop. */
  processBudget: ReconnectBudget | null;
  now: number;
}

export type CloseDecision =
  | { kind: 'fail'; error: RealtimeError }
  | { kind: 'retry'; attempt: number; delayMs: number; notice: RealtimeError };

/** A short description of how the connection ended, for the log and the final error. */
export function describeClose(info: TransportCloseInfo): string {
  if (info.httpStatus !== undefined) return `upgrade refused with HTTP ${info.httpStatus}`;
  return `close ${info.code}${info.reason ? ` "${info.reason}"` : ''}`;
}

/**
 * `wasReady`: the closed connection had been accepted (session.created), so the backoff starts over,
 * but the per-session budget counts it. `attempt`: consecutive failed attempts before this one.
 */
export function decideAfterClose(
  info: TransportCloseInfo,
  previous: { wasReady: boolean; attempt: number },
  ctx: ReconnectContext,
): CloseDecision {
  const refusal = classifyRefusal(info, ctx.failure);
  if (refusal?.kind === 'fatal') return { kind: 'fail', error: refusal.error };
  const attempt = previous.wasReady ? 1 : previous.attempt + 1;
  const base = backoffDelay(ctx.backoff, attempt, ctx.random);
  if (base === null) {
    // Out of retries: the last refusal (e.g. still rate limited) says more than "could not reach".
    const last = refusal?.error;
    const error = last
      ? new RealtimeError(last.code, `${last.message} Gave up after ${attempt - 1} retries.`, {
          recoverable: false,
          httpStatus: last.httpStatus,
        })
      : reconnectExhausted(attempt - 1, describeClose(info));
    return { kind: 'fail', error };
  }
  if (previous.wasReady && !ctx.sessionBudget.tryTake(ctx.now)) {
    const error = reconnectBudgetExhausted(
      ctx.sessionBudget.max + 1,
      ctx.sessionBudget.windowMs,
      describeClose(info),
    );
    return { kind: 'fail', error };
  }
  const slot = ctx.processBudget?.reserve(ctx.now) ?? 0;
  const delayMs = Math.max(base, refusal?.minDelayMs ?? 0, slot);
  const notice =
    refusal?.error ??
    new RealtimeError('connect_failed', 'realtime connection lost; reconnecting', { recoverable: true });
  return { kind: 'retry', attempt, delayMs, notice };
}
