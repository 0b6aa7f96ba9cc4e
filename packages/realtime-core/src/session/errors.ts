/** Machine-readable error codes the session emits. */
export type RealtimeErrorCode =
  | 'auth_failed'
  | 'model_not_found'
  | 'insufficient_balance'
  | 'content_refused'
  | 'rate_limited'
  | 'endpoint_not_found'
  | 'connect_failed'
  | 'reconnect_exhausted'
  | 'reconnect_budget_exhausted'
  | 'server_error'
  | 'protocol_invalid_event'
  | 'voice_locked'
  | 'invalid_config'
  | 'closed';

/**
 * What a user in a public place may be told about a failure: no keys, no settings, no account
 * details. The full `message` (operator advice) belongs in logs and admin channels.
 */
const PUBLIC: Record<RealtimeErrorCode, string> = {
  auth_failed: 'the voice model service refused our credentials',
  model_not_found: 'the configured voice model is not available',
  insufficient_balance: 'the voice model service account is out of credit',
  content_refused: "the voice model service's content review refused the request",
  rate_limited: 'the voice model service is busy (rate limit)',
  endpoint_not_found: 'the voice model service address is wrong',
  connect_failed: 'the voice model service could not be reached',
  reconnect_exhausted: 'the voice model service could not be reached',
  reconnect_budget_exhausted: 'the connection to the voice model kept failing',
  server_error: 'the voice model service reported an error',
  protocol_invalid_event: 'the voice model service sent something unreadable',
  voice_locked: 'the voice cannot change in this conversation',
  invalid_config: 'the voice settings are invalid',
  closed: 'the voice session ended',
};

/** Base error: `recoverable` says whether the session keeps going on its own. */
export class RealtimeError extends Error {
  override name = 'RealtimeError';
  readonly code: RealtimeErrorCode;
  readonly recoverable: boolean;
  /** The server's own error code, when the server sent one. */
  readonly serverCode: string | undefined;
  /** The HTTP status of a refused upgrade, when that is what happened. */
  readonly httpStatus: number | undefined;

  constructor(
    code: RealtimeErrorCode,
    message: string,
    options: {
      recoverable: boolean;
      cause?: unknown;
      serverCode?: string | undefined;
      httpStatus?: number | undefined;
    },
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.recoverable = options.recoverable;
    this.serverCode = options.serverCode;
    this.httpStatus = options.httpStatus;
  }

  /** A sentence safe to show anyone (a public channel): what failed, never how to fix it. */
  get publicMessage(): string {
    return PUBLIC[this.code];
  }
}

/** Removes anything that looks like the key (or a bearer token) from text the server sent back. */
export function redact(text: string, secret: string): string {
  let out = secret.length >= 4 ? text.split(secret).join('[key]') : text;
  out = out.replace(/Bearer\s+\S+/gi, 'Bearer [key]');
  return out;
}

/** A one-line excerpt of server text for an error message. */
export function excerpt(text: string | undefined, max = 300): string {
  if (!text) return '';
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max)}…` : line;
}

export function reconnectExhausted(retries: number, last: string | undefined): RealtimeError {
  const why = last ? ` The last failure: ${last}.` : '';
  return new RealtimeError(
    'reconnect_exhausted',
    `Could not reach the realtime server (gave up after ${retries} ${retries === 1 ? 'retry' : 'retries'}).${why}`,
    { recoverable: false },
  );
}

export function reconnectBudgetExhausted(
  count: number,
  windowMs: number,
  last: string | undefined,
): RealtimeError {
  const why = last ? ` Last close: ${last}.` : '';
  return new RealtimeError(
    'reconnect_budget_exhausted',
    `Gave up: the realtime connection dropped and was reopened ${count} times within ${Math.round(windowMs / 1000)} s, which would burn the provider's request quota.${why} The session is closed; start a new one once the cause is fixed.`,
    { recoverable: false },
  );
}
