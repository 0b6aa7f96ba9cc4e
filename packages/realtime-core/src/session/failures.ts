// What a refusal means for the session: a refused upgrade (HTTP status + body) or an `error` event.
// Refusals that retrying cannot fix (key, balance, model, content, endpoint) stop the session with
// one explanation; the rest are retried, a 429 no sooner than its Retry-After. The provider's
// error-code table: https://platform.stepfun.com/docs/zh/api-reference/error-codes.
import type { ServerEventOf } from '../protocol/index.ts';
import type { ProviderHints, ProviderProfile } from '../provider/profiles.ts';
import type { TransportCloseInfo } from '../transport/types.ts';
import { excerpt, RealtimeError, type RealtimeErrorCode, redact } from './errors.ts';

export interface FailureContext {
  /** The model id sent, and the id the caller configured when it was an alias. */
  model: string;
  configuredModel?: string | undefined;
  profile: ProviderProfile;
  /** Redacted from anything the server echoes back. */
  apiKey: string;
  /** Overrides of the profile's operator hints (e.g. naming the caller's own setting). */
  hints?: Partial<ProviderHints> | undefined;
}

export type Verdict =
  | { kind: 'fatal'; error: RealtimeError }
  | { kind: 'retry'; error: RealtimeError; minDelayMs: number };

const hint = (ctx: FailureContext, key: keyof ProviderHints) => ctx.hints?.[key] ?? ctx.profile.hints[key];

function modelRefused(
  ctx: FailureContext,
  how: string,
  serverCode?: string,
  httpStatus?: number,
): RealtimeError {
  const configured =
    ctx.configuredModel && ctx.configuredModel !== ctx.model
      ? ` (configured as "${ctx.configuredModel}")`
      : '';
  return new RealtimeError(
    'model_not_found',
    `The realtime server refused model "${ctx.model}"${configured}: ${how}. The provider lists: ${ctx.profile.models.join(', ')}. Fix: ${hint(ctx, 'model')}.`,
    { recoverable: false, serverCode, httpStatus },
  );
}

const FATAL_STATUS: Record<number, [RealtimeErrorCode, string, keyof ProviderHints]> = {
  401: ['auth_failed', 'rejected the API key', 'apiKey'],
  403: ['auth_failed', 'refused the API key access', 'apiKey'],
  402: ['insufficient_balance', 'refused: the account has no balance', 'balance'],
  404: ['endpoint_not_found', 'has no realtime endpoint at this URL', 'endpoint'],
  451: ['content_refused', 'refused the request in content review', 'content'],
};

/** Classifies a close that carried an HTTP refusal; undefined for a close after the upgrade. */
export function classifyRefusal(info: TransportCloseInfo, ctx: FailureContext): Verdict | undefined {
  const status = info.httpStatus;
  if (status === undefined) return undefined;
  const body = excerpt(redact(info.httpBody ?? '', ctx.apiKey));
  const what = `HTTP ${status}${body ? ` ${body}` : ''}`;
  if (status === 400) return { kind: 'fatal', error: modelRefused(ctx, what, undefined, status) };
  const fatal = FATAL_STATUS[status];
  if (fatal) {
    const [code, text, key] = fatal;
    const message = `The realtime server ${text} (${what}). Fix: ${hint(ctx, key)}.`;
    return {
      kind: 'fatal',
      error: new RealtimeError(code, message, { recoverable: false, httpStatus: status }),
    };
  }
  if (status === 429) {
    const budget = ctx.profile.reconnectBudget.perProcess;
    // Without a Retry-After, wait the provider's fair share: one request per RPM slot.
    const minDelayMs = info.retryAfterMs ?? Math.ceil(budget.windowMs / budget.max);
    const message = `The realtime server is rate limiting (${what}); retrying in ${Math.round(minDelayMs / 1000)} s. ${hint(ctx, 'rateLimit')}.`;
    return {
      kind: 'retry',
      minDelayMs,
      error: new RealtimeError('rate_limited', message, { recoverable: true, httpStatus: status }),
    };
  }
  if (status === 408 || status >= 500) {
    const message = `The realtime server failed the connection (${what}); retrying.`;
    const error = new RealtimeError('connect_failed', message, { recoverable: true, httpStatus: status });
    return { kind: 'retry', minDelayMs: info.retryAfterMs ?? 0, error };
  }
  const message = `The realtime server refused the connection (${what}); retrying the same request cannot help.`;
  return {
    kind: 'fatal',
    error: new RealtimeError('connect_failed', message, { recoverable: false, httpStatus: status }),
  };
}

// Model refusals in English and Chinese: OpenAI's model_not_found, StepFun's 模型不存在或无权限.
const MODEL_REFUSED =
  /model_not_found|模型不存在|模型.{0,6}(无权限|不支持)|\bmodel\b.{0,40}\b(not (found|exist|supported)|does not exist|unknown|invalid|unsupported)|\b(unknown|invalid|unsupported) model\b/i;
const AUTH =
  /invalid_api_key|unauthori[sz]ed|authentication|invalid api key|incorrect api key|认证无效|鉴权失败/i;
const BALANCE = /insufficient_(balance|quota)|余额不足|\bbalance\b/i;
const RATE = /rate.?limit|too many requests|超限|频率|并发/i;
const CONTENT = /content_filter|审核|moderation/i;

/** Decides what a server `error` event means for the session. */
export function classifyServerError(
  event: ServerEventOf<'error'>,
  ctx: FailureContext,
): { error: RealtimeError; appendRejected: boolean } {
  const { code, message, type } = event.error;
  const serverCode = code === null || code === undefined ? type : String(code);
  const text = `${code ?? ''} ${type ?? ''} ${message}`;
  const said = excerpt(redact(message, ctx.apiKey));
  const fatal = (c: RealtimeErrorCode, what: string, key: keyof ProviderHints) => ({
    appendRejected: false,
    error: new RealtimeError(c, `The realtime server ${what} ("${said}"). Fix: ${hint(ctx, key)}.`, {
      recoverable: false,
      serverCode,
    }),
  });
  if (MODEL_REFUSED.test(text))
    return { appendRejected: false, error: modelRefused(ctx, `"${said}"`, serverCode) };
  if (code === 401 || AUTH.test(text)) return fatal('auth_failed', 'rejected the API key', 'apiKey');
  if (code === 402 || BALANCE.test(text))
    return fatal('insufficient_balance', 'refused: the account has no balance', 'balance');
  const recoverable = (c: RealtimeErrorCode, m: string) => ({
    appendRejected: false,
    error: new RealtimeError(c, m, { recoverable: true, serverCode }),
  });
  if (code === 429 || code === '429' || RATE.test(text))
    return recoverable(
      'rate_limited',
      `The realtime server is rate limiting ("${said}"). ${hint(ctx, 'rateLimit')}.`,
    );
  if (code === 451 || CONTENT.test(text))
    return recoverable(
      'content_refused',
      `The realtime server's content review refused a request ("${said}").`,
    );
  if (/cannot_update_voice|voice cannot be changed/i.test(text))
    return recoverable('voice_locked', `The server refused a voice change: ${said}`);
  const appendRejected = /already committed|append.*(respond|in progress)/i.test(text);
  return {
    appendRejected,
    error: new RealtimeError('server_error', `Realtime server error: ${said}`, {
      recoverable: true,
      serverCode,
    }),
  };
}
