// Error events and refused upgrades, in every shape StepFun publishes:
// - wrapped: the reference's `error` sample, `{ type: "error", error: { type, code, message, event_id } }`
//   (https://platform.stepfun.com/docs/zh/api-reference/realtime/chat, "错误事件");
// - unwrapped: the developer guide's sample, `{ type: "invalid_request_error", code, message, param,
//   event_id }` (https://platform.stepfun.com/docs/zh/guides/developer/realtime, "错误处理"). The two
//   pages contradict each other; the simulator can send either;
// - numeric: `error.code` as the number 429, which StepFun's own console checks for
//   (stepfun-ai/Step-Realtime-Console, src/routes/+page.svelte).
// HTTP statuses follow the error-code table (https://platform.stepfun.com/docs/zh/api-reference/error-codes).

export type ErrorShape = 'wrapped' | 'unwrapped' | 'numeric';

export interface SimError {
  type: 'invalid_request_error' | 'server_error' | 'rate_limit_error';
  code: string;
  message: string;
  param?: string;
  /** The client event that caused it, when there is one. */
  eventId?: string;
  /** HTTP-style status, used by the numeric shape. */
  status?: number;
}

let counter = 0;

export function errorEvent(e: SimError, shape: ErrorShape): Record<string, unknown> & { type: string } {
  const event_id = `event_err_${(++counter).toString(36)}`;
  if (shape === 'unwrapped') {
    return {
      event_id,
      type: e.type,
      code: e.code,
      message: e.message,
      param: e.param ?? null,
      ...(e.eventId ? { event_id: e.eventId } : {}),
    };
  }
  const code = shape === 'numeric' ? (e.status ?? 400) : e.code;
  return {
    event_id,
    type: 'error',
    error: { type: e.type, code, message: e.message, ...(e.eventId ? { event_id: e.eventId } : {}) },
  };
}

/** What the error-code table says each upgrade refusal means, in the simulator's words. */
export const REFUSALS: Record<number, { reason: string; type: string; message: string }> = {
  400: { reason: 'Bad Request', type: 'invalid_request_error', message: '模型不存在或无权限' },
  401: { reason: 'Unauthorized', type: 'invalid_api_key', message: '认证无效: Incorrect API key provided' },
  402: { reason: 'Payment Required', type: 'insufficient_balance', message: '余额不足' },
  404: { reason: 'Not Found', type: 'not_found', message: '请求路径不正确' },
  429: { reason: 'Too Many Requests', type: 'rate_limit_exceeded', message: '请求的资源超限，请稍候重试' },
  451: {
    reason: 'Unavailable For Legal Reasons',
    type: 'content_filter',
    message: '请求内容或者响应内容未审核通过',
  },
  500: { reason: 'Internal Server Error', type: 'server_error', message: '服务器内部错误' },
  503: { reason: 'Service Unavailable', type: 'server_error', message: '目前服务器负载过高' },
};

/** A complete HTTP response refusing a WebSocket upgrade, with a JSON error body. */
export function refusalResponse(
  status: number,
  body: { message?: string; type?: string } | string | undefined,
  headers: Record<string, string> = {},
): string {
  const known = REFUSALS[status] ?? { reason: 'Error', type: 'error', message: 'request refused' };
  const text =
    typeof body === 'string'
      ? body
      : JSON.stringify({
          error: {
            message: body?.message ?? known.message,
            type: body?.type ?? known.type,
            code: String(status),
          },
        });
  const extra = Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  return `HTTP/1.1 ${status} ${known.reason}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(text)}\r\n${extra}connection: close\r\n\r\n${text}`;
}
