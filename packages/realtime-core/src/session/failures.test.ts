import { describe, expect, it } from 'vitest';
import { stepfunProfile } from '../provider/profiles.ts';
import { classifyRefusal, classifyServerError, type FailureContext } from './failures.ts';
import { ReconnectBudget } from './reconnect-budget.ts';
import { decideAfterClose } from './reconnect-policy.ts';

const KEY = 'sk-very-secret-9';
const ctx: FailureContext = { model: 'stepaudio-2.5-realtime', profile: stepfunProfile, apiKey: KEY };
const close = (httpStatus: number, httpBody = '', retryAfterMs?: number) => ({
  code: 1006,
  reason: '',
  httpStatus,
  httpBody,
  ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
});

describe('refused upgrades', () => {
  it.each([
    [400, 'model_not_found'],
    [401, 'auth_failed'],
    [403, 'auth_failed'],
    [402, 'insufficient_balance'],
    [404, 'endpoint_not_found'],
    [451, 'content_refused'],
    [405, 'connect_failed'],
  ])('HTTP %i is fatal: %s', (status, code) => {
    const v = classifyRefusal(close(status, '{"error":{"message":"nope"}}'), ctx);
    expect(v).toMatchObject({ kind: 'fatal', error: { code, recoverable: false, httpStatus: status } });
    expect(v!.error.message).toContain(`HTTP ${status} {"error":{"message":"nope"}}`);
  });

  it('never repeats the key the server echoed, and names the hint', () => {
    const v = classifyRefusal(close(401, `{"error":"invalid key ${KEY}","auth":"Bearer ${KEY}"}`), ctx)!;
    expect(v.error.message).not.toContain(KEY);
    expect(v.error.message).toMatch(/platform\.stepfun\.com/);
  });

  it('a refused model names the model, its configured alias and the listed ids', () => {
    const v = classifyRefusal(close(400, '{"error":{"message":"模型不存在或无权限"}}'), {
      ...ctx,
      configuredModel: 'step-2.5-realtime',
    })!;
    expect(v.error.message).toMatch(
      /"stepaudio-2.5-realtime" \(configured as "step-2.5-realtime"\).*模型不存在或无权限/,
    );
    expect(v.error.message).toContain(stepfunProfile.models.join(', '));
  });

  it('429 retries no sooner than Retry-After, or the fair share of the RPM without one', () => {
    expect(classifyRefusal(close(429, '', 30_000), ctx)).toMatchObject({
      kind: 'retry',
      minDelayMs: 30_000,
      error: { code: 'rate_limited' },
    });
    expect(classifyRefusal(close(429), ctx)).toMatchObject({ kind: 'retry', minDelayMs: 6_000 });
    expect(classifyRefusal(close(503), ctx)).toMatchObject({
      kind: 'retry',
      minDelayMs: 0,
      error: { code: 'connect_failed' },
    });
    expect(classifyRefusal({ code: 1006, reason: '' }, ctx)).toBeUndefined();
  });
});

describe('error events', () => {
  const classify = (error: Record<string, unknown>) =>
    classifyServerError({ type: 'error', error: { message: '', ...error } } as never, ctx).error;

  it.each([
    [{ code: 'invalid_param', message: '模型不存在或无权限' }, 'model_not_found'],
    [{ code: 'model_not_found', message: "The model 'x' does not exist" }, 'model_not_found'],
    [{ type: 'invalid_request_error', message: 'Unknown model: foo' }, 'model_not_found'],
    [{ code: 'invalid_api_key', message: 'Incorrect API key provided' }, 'auth_failed'],
    [{ code: 401, message: '认证无效' }, 'auth_failed'],
    [{ code: 402, message: '余额不足' }, 'insufficient_balance'],
  ])('%j stops the session: %s', (error, code) => {
    expect(classify(error)).toMatchObject({ code, recoverable: false });
  });

  it.each([
    [{ code: 429, message: 'Rate limit exceeded' }, 'rate_limited'],
    [{ code: 'rate_limit', message: '请求的资源超限' }, 'rate_limited'],
    [{ code: 'invalid_param', message: '音频内容不完整' }, 'server_error'],
    [{ code: 'cannot_update_voice', message: "Cannot update a conversation's voice" }, 'voice_locked'],
    [{ code: 'item_not_found', message: "Item with item_id 'x' does not exist" }, 'server_error'],
  ])('%j is reported and the session goes on: %s', (error, code) => {
    expect(classify(error)).toMatchObject({ code, recoverable: true });
  });
});

describe('reconnect budget and policy', () => {
  it('a sliding window: refuses past max, frees as time passes; reserve spreads instead', () => {
    const b = new ReconnectBudget({ max: 2, windowMs: 1000 });
    expect([b.tryTake(0), b.tryTake(10), b.tryTake(20)]).toEqual([true, true, false]);
    expect(b.tryTake(1000)).toBe(true);
    const p = new ReconnectBudget({ max: 2, windowMs: 1000 });
    expect([p.reserve(0), p.reserve(0), p.reserve(0), p.reserve(0)]).toEqual([0, 0, 1000, 1000]);
  });

  const policy = (
    budget = new ReconnectBudget({ max: 2, windowMs: 60_000 }),
    process: ReconnectBudget | null = null,
  ) => ({
    failure: ctx,
    backoff: { baseMs: 100, maxMs: 1000, maxAttempts: 3 },
    random: () => 0.5,
    sessionBudget: budget,
    processBudget: process,
    now: 0,
  });

  it('counts reconnects after accepted connections, which the backoff counter forgets', () => {
    const c = policy();
    const flap = { code: 1008, reason: 'quota' };
    expect(decideAfterClose(flap, { wasReady: true, attempt: 0 }, c)).toMatchObject({
      kind: 'retry',
      attempt: 1,
    });
    expect(decideAfterClose(flap, { wasReady: true, attempt: 0 }, c)).toMatchObject({
      kind: 'retry',
      attempt: 1,
    });
    const third = decideAfterClose(flap, { wasReady: true, attempt: 0 }, c);
    expect(third).toMatchObject({ kind: 'fail', error: { code: 'reconnect_budget_exhausted' } });
    if (third.kind === 'fail') expect(third.error.message).toMatch(/close 1008 "quota"/);
  });

  it('stops after maxAttempts consecutive failures, and at once on a fatal refusal', () => {
    const c = policy();
    expect(decideAfterClose({ code: 1006, reason: '' }, { wasReady: false, attempt: 3 }, c)).toMatchObject({
      kind: 'fail',
      error: { code: 'reconnect_exhausted' },
    });
    expect(decideAfterClose(close(402), { wasReady: false, attempt: 0 }, c)).toMatchObject({
      kind: 'fail',
      error: { code: 'insufficient_balance' },
    });
  });

  it('waits for Retry-After and for a process slot, whichever is later', () => {
    const process = new ReconnectBudget({ max: 1, windowMs: 10_000 });
    const c = policy(undefined, process);
    expect(decideAfterClose(close(429, '', 2_000), { wasReady: false, attempt: 0 }, c)).toMatchObject({
      delayMs: 2_000,
    });
    expect(decideAfterClose({ code: 1006, reason: '' }, { wasReady: false, attempt: 0 }, c)).toMatchObject({
      delayMs: 10_000,
    });
  });
});
