// A start-up check: open one short session with the configured key, model and voice, and say in one
// typed result whether it works and, if not, what to fix. Costs one request and no tokens (no reply
// is asked for). Operator text only: never show it in a public channel.
import {
  type ProviderHints,
  type ProviderProfile,
  profileForModel,
  resolveModel,
} from '../provider/profiles.ts';
import { checkVoice } from '../provider/voices.ts';
import type { TransportFactory } from '../transport/types.ts';
import { type Clock, systemClock } from './clock.ts';
import type { RealtimeError, RealtimeErrorCode } from './errors.ts';
import { RealtimeSession } from './realtime-session.ts';

export interface ProbeOptions {
  url: string;
  model: string;
  apiKey: string;
  /** The voice to configure; default the profile's default voice. */
  voice?: string;
  profile?: ProviderProfile;
  hints?: Partial<ProviderHints>;
  transportFactory?: TransportFactory;
  clock?: Clock;
  /** The whole probe gives up after this long. Default 15 s. */
  timeoutMs?: number;
  /** How long to wait for the server to confirm (or refuse) the session settings. Default 3 s. */
  settleMs?: number;
}

/** Which setting the operator has to change. */
export type ProbeSetting = 'apiKey' | 'model' | 'voice' | 'url' | 'account' | 'network';

export type ProbeFailure =
  | 'auth'
  | 'balance'
  | 'model'
  | 'content'
  | 'rate_limited'
  | 'endpoint'
  | 'unreachable'
  | 'timeout'
  | 'voice'
  | 'server_error';

export type ProbeResult =
  | { ok: true; model: string; traceId: string | undefined; warnings: string[] }
  | {
      ok: false;
      failure: ProbeFailure;
      setting: ProbeSetting;
      /** True when retrying later cannot help: the operator must change something first. */
      fatal: boolean;
      /** What happened, with the server's status and words (the key is never in it). */
      message: string;
      /** What to do about it. */
      fix: string;
      httpStatus: number | undefined;
    };

const FAILURES: Partial<
  Record<RealtimeErrorCode, [ProbeFailure, ProbeSetting, boolean, keyof ProviderHints]>
> = {
  auth_failed: ['auth', 'apiKey', true, 'apiKey'],
  insufficient_balance: ['balance', 'account', true, 'balance'],
  model_not_found: ['model', 'model', true, 'model'],
  content_refused: ['content', 'account', true, 'content'],
  rate_limited: ['rate_limited', 'account', false, 'rateLimit'],
  endpoint_not_found: ['endpoint', 'url', true, 'endpoint'],
};

/** Opens one session, configures it, waits for the server's answer, closes. Never throws. */
export async function probeRealtime(options: ProbeOptions): Promise<ProbeResult> {
  const profile = options.profile ?? profileForModel(options.model);
  const voice = options.voice ?? profile.defaultVoice;
  const session = new RealtimeSession({
    url: options.url,
    model: options.model,
    apiKey: options.apiKey,
    profile,
    ...(options.hints ? { hints: options.hints } : {}),
    ...(options.transportFactory ? { transportFactory: options.transportFactory } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    config: { instructions: 'Connection check.', voice, turnDetection: null },
    backoff: { baseMs: 0, maxMs: 0, maxAttempts: 0 },
    reconnectBudget: { process: null },
    readyTimeoutMs: options.timeoutMs ?? 15_000,
  });
  const hint = (key: keyof ProviderHints) => options.hints?.[key] ?? profile.hints[key];
  const fail = (e: RealtimeError): ProbeResult => {
    const known = FAILURES[e.code];
    const timedOut = /ready timeout/.test(e.message);
    const [failure, setting, fatal, key] = known ?? [
      timedOut ? 'timeout' : 'unreachable',
      'network',
      false,
      'endpoint',
    ];
    const serverError = e.code === 'server_error' && /voice|音色/i.test(e.message);
    return serverError
      ? {
          ok: false,
          failure: 'voice',
          setting: 'voice',
          fatal: true,
          message: e.message,
          fix: `use a voice the provider lists, e.g. "${profile.defaultVoice}"`,
          httpStatus: e.httpStatus,
        }
      : { ok: false, failure, setting, fatal, message: e.message, fix: hint(key), httpStatus: e.httpStatus };
  };
  const settings = new Promise<RealtimeError | undefined>((resolve) => {
    let created = 0;
    session.on('serverEvent', (e) => {
      // The answer to our session.update (StepFun's sample types it session.created, too).
      if (e.type === 'session.updated' || (e.type === 'session.created' && ++created > 1)) resolve(undefined);
    });
    session.on('error', (e) => resolve(e));
  });
  try {
    await session.connect();
    const clock = options.clock ?? systemClock;
    const settle = new Promise<'quiet'>((resolve) => {
      clock.setTimeout(() => resolve('quiet'), options.settleMs ?? 3000);
    });
    const answer = await Promise.race([settings, settle]);
    if (answer instanceof Error) return fail(answer as RealtimeError);
    const warnings: string[] = [];
    const check = checkVoice(voice, profile.voices);
    if (check.kind === 'unknown') warnings.push(check.warning);
    const traceId = session.state.status === 'ready' ? session.state.transport.traceId : undefined;
    return { ok: true, model: resolveModel(options.model, profile).model, traceId, warnings };
  } catch (err) {
    return fail(err as RealtimeError);
  } finally {
    session.close();
  }
}
