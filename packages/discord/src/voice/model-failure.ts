// What people in a channel are told when the voice model fails, in their words. The realtime
// session's own messages are written for the operator (which setting to check, the server's
// text): those go to the log, never to a channel.

import type { VoiceEvents } from '../voice-port.ts';
import type { Emit } from './room-events.ts';

/** Failure classes people can act on differently (wait, tell the operator, try again). */
export type ModelFailureKind = 'credentials' | 'quota' | 'rate' | 'unavailable' | 'unreachable' | 'other';

// Quota and rate limits as StepFun and OpenAI-compatible servers name them (error codes such as
// insufficient_quota / rate_limit_exceeded, HTTP 402 and 429 on the upgrade).
const QUOTA = /quota|insufficient|balance|billing|payment|credit|\b402\b/i;
const RATE = /rate[ _-]?limit|too many requests|\b429\b|concurren/i;

/** Classifies a model error from its session error code, the server's code and its message. */
export function classifyModelFailure(e: {
  code?: string | undefined;
  serverCode?: string | undefined;
  message?: string | undefined;
}): ModelFailureKind {
  const text = `${e.code ?? ''} ${e.serverCode ?? ''} ${e.message ?? ''}`;
  if (QUOTA.test(text)) return 'quota';
  if (RATE.test(text)) return 'rate';
  if (e.code === 'auth_failed') return 'credentials';
  if (e.code === 'model_not_found') return 'unavailable';
  if (e.code === 'reconnect_exhausted' || e.code === 'connect_failed') return 'unreachable';
  return 'other';
}

const REASONS: Record<ModelFailureKind, string> = {
  credentials: 'the voice model service refused this bot’s access',
  quota: 'this bot has used up its allowance with the voice model service',
  rate: 'the voice model service is limiting how much this bot may use it right now',
  unavailable: 'the voice model this bot is set up for is not available',
  unreachable: 'I could not reach the voice model service',
  other: 'the voice model service stopped with an error',
};

const NEXT_STEP: Record<ModelFailureKind, string> = {
  credentials: 'whoever runs the bot has the details in its log',
  quota: 'whoever runs the bot has the details in its log',
  rate: 'try `/join` again in a few minutes',
  unavailable: 'whoever runs the bot has the details in its log',
  unreachable: 'try `/join` again in a minute',
  other: 'try `/join` again; whoever runs the bot has the details in its log',
};

/** One sentence for the channel: what happened and what to do, no settings or server text. */
export function modelFailureForUsers(kind: ModelFailureKind): string {
  return `${REASONS[kind]}; ${NEXT_STEP[kind]}`;
}

/**
 * A session's events as the bot hears them: the end of a session that never started is the
 * joiner's to tell (not announced), and a model failure is worded for the channel, the model's
 * operator advice kept as `detail` for the log.
 */
export function publicEvents(emit: Emit, started: () => boolean): Emit {
  return (event, ...args) => {
    if (event === 'sessionEnded') {
      if (!started()) return;
      const e = args[0] as VoiceEvents['sessionEnded'][0];
      if (e.reason === 'error' && e.modelError) {
        const kind = classifyModelFailure({ code: e.modelError, message: e.message });
        const { message: detail, ...rest } = e;
        emit('sessionEnded', { ...rest, message: modelFailureForUsers(kind), detail: detail ?? '' });
        return;
      }
    }
    emit(event, ...args);
  };
}
