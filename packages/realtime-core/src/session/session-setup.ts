// What a session decides once, from its options: the provider profile, the model id to send, the
// context refusals are explained in, the reconnect budgets, and the checks on its settings.
import { type ProviderProfile, profileForModel, resolveModel } from '../provider/profiles.ts';
import { turnDetectionProblems } from '../provider/vad.ts';
import { checkVoice } from '../provider/voices.ts';
import type { Logger } from './clock.ts';
import { RealtimeError } from './errors.ts';
import type { FailureContext } from './failures.ts';
import { processReconnectBudget, ReconnectBudget } from './reconnect-budget.ts';
import type { RealtimeSessionOptions, SessionConfig, SessionState } from './types.ts';

export interface SessionPolicy {
  profile: ProviderProfile;
  failure: FailureContext;
  sessionBudget: ReconnectBudget;
  processBudget: ReconnectBudget | null;
}

const notedAliases = new Set<string>();

export function sessionPolicy(options: RealtimeSessionOptions, log: Logger): SessionPolicy {
  const profile = options.profile ?? profileForModel(options.model);
  const { model, aliasOf } = resolveModel(options.model, profile);
  // An alias is worth one line per process, not one per session.
  if (aliasOf && !notedAliases.has(aliasOf)) {
    notedAliases.add(aliasOf);
    log.info(
      { configured: aliasOf, model },
      `model "${aliasOf}" is an alias of "${model}"; connecting with "${model}"`,
    );
  }
  const failure = {
    model,
    configuredModel: options.model,
    profile,
    apiKey: options.apiKey,
    hints: options.hints,
  };
  const budget = profile.reconnectBudget;
  const shared = options.reconnectBudget?.process;
  return {
    profile,
    failure,
    sessionBudget: new ReconnectBudget(options.reconnectBudget?.perSession ?? budget.perSession),
    processBudget: shared === undefined ? processReconnectBudget(profile.name, budget.perProcess) : shared,
  };
}

/**
 * Refuses VAD settings outside the provider's documented ranges (a settings error, thrown), and
 * warns once per voice the provider does not list (cloned voice ids are fine).
 */
export class ConfigCheck {
  readonly #profile: ProviderProfile;
  readonly #log: Logger;
  readonly #warned = new Set<string>();

  constructor(profile: ProviderProfile, log: Logger) {
    this.#profile = profile;
    this.#log = log;
  }

  check(config: SessionConfig): void {
    const problems = turnDetectionProblems(config.turnDetection, this.#profile.vad);
    if (problems.length > 0)
      throw new RealtimeError('invalid_config', `Invalid VAD settings: ${problems.join('; ')}`, {
        recoverable: false,
      });
    const voice = checkVoice(config.voice, this.#profile.voices);
    if (voice.kind === 'unknown' && !this.#warned.has(config.voice)) {
      this.#warned.add(config.voice);
      this.#log.warn(
        { voice: config.voice, closest: voice.closest, provider: this.#profile.name },
        voice.warning,
      );
    }
  }
}

/** Resolves at the session's next `ready`, rejects if it closes first. */
export function untilReady(session: {
  on(event: 'stateChange', listener: (s: SessionState) => void): unknown;
  off(event: 'stateChange', listener: (s: SessionState) => void): unknown;
}): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onState = (s: SessionState) => {
      if (s.status !== 'ready' && s.status !== 'closed') return;
      session.off('stateChange', onState);
      const closed = () =>
        new RealtimeError('closed', 'session closed before it was ready', { recoverable: false });
      if (s.status === 'ready') resolve();
      else reject(s.error ?? closed());
    };
    session.on('stateChange', onState);
  });
}
