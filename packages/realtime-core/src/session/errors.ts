/** Machine-readable error codes the session emits. */
export type RealtimeErrorCode =
  | 'auth_failed'
  | 'model_not_found'
  | 'connect_failed'
  | 'reconnect_exhausted'
  | 'server_error'
  | 'protocol_invalid_event'
  | 'voice_locked'
  | 'audio_dropped'
  | 'closed';

/** Base error: `recoverable` says whether the session keeps going on its own. */
export class RealtimeError extends Error {
  override name = 'RealtimeError';
  readonly code: RealtimeErrorCode;
  readonly recoverable: boolean;
  /** The server's own error code, when the server sent one. */
  readonly serverCode: string | undefined;

  constructor(
    code: RealtimeErrorCode,
    message: string,
    options: { recoverable: boolean; cause?: unknown; serverCode?: string | undefined },
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.recoverable = options.recoverable;
    this.serverCode = options.serverCode;
  }
}

/** The upgrade was refused for the key: retrying cannot help. The key itself is never quoted. */
export function authRejected(httpStatus: number): RealtimeError {
  return new RealtimeError(
    'auth_failed',
    `The realtime server rejected the API key (HTTP ${httpStatus}). Check STEPFUN_API_KEY: create or copy a key in the StepFun console.`,
    { recoverable: false },
  );
}

export function reconnectExhausted(attempts: number): RealtimeError {
  return new RealtimeError(
    'reconnect_exhausted',
    `Could not reach the realtime server after ${attempts} attempts.`,
    {
      recoverable: false,
    },
  );
}
