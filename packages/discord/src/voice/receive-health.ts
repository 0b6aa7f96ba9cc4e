// When receive decryption has failed long enough that only new keys can help. Every frame from
// every member failing, transport-authentication failures ("unable to authenticate data") or DAVE
// decrypt failures alike, with nothing getting through, for a while and for many frames, means the
// bot's keys are stale: a fresh join (leave, then join) gets a new voice session and a new MLS
// group. Rejoining the same session may not re-key (discordjs/voice PR #58). Bounded: after
// `maxFreshJoins` the session gives up and says so. Pure: time comes in as arguments.

export interface ReceiveHealthOptions {
  /**
   * Failures in a row (nothing decrypted in between) before recovering. A DAVE failure counts per
   * frame, but a transport failure breaks the speaker's receive stream and counts once per
   * utterance (the next one subscribes again), so a few suffice; the time below is the real gate.
   */
  minFailures: number;
  /** …and for at least this long, so a burst does not count as persistence. */
  minFailingMs: number;
  /** Fresh joins allowed before giving up. */
  maxFreshJoins: number;
  /** A fresh join followed by this long of healthy receive is forgotten (the bound renews). */
  forgiveAfterMs: number;
}

export const DEFAULT_RECEIVE_HEALTH: ReceiveHealthOptions = {
  minFailures: 3,
  minFailingMs: 5000,
  maxFreshJoins: 2,
  forgiveAfterMs: 10 * 60_000,
};

export type FailureKind = 'transport' | 'e2ee';

/** What to do about it, with the numbers that explain why. */
export type HealthAction =
  | { type: 'fresh-join'; attempt: number; failures: number; failingMs: number; kinds: FailureKind[] }
  | { type: 'give-up'; freshJoins: number; failures: number; failingMs: number; kinds: FailureKind[] };

type State =
  | { status: 'healthy' }
  | { status: 'failing'; since: number; failures: number; kinds: Set<FailureKind> }
  /** Waiting for the fresh join to reach Ready; failures meanwhile are the old connection's. */
  | { status: 'rejoining' }
  | { status: 'gave-up' };

export class ReceiveHealth {
  readonly #options: ReceiveHealthOptions;
  #state: State = { status: 'healthy' };
  /** When each fresh join still counted against the bound happened. */
  #freshJoins: number[] = [];

  constructor(options: Partial<ReceiveHealthOptions> = {}) {
    this.#options = { ...DEFAULT_RECEIVE_HEALTH, ...options };
  }

  get status(): State['status'] {
    return this.#state.status;
  }

  /** Fresh joins made and still counted against the bound. */
  get freshJoins(): number {
    return this.#freshJoins.length;
  }

  /** A frame decrypted and reached the decoder: whatever was failing is not the bot's keys. */
  delivered(now: number): void {
    if (this.#state.status === 'failing') this.#state = { status: 'healthy' };
    const last = this.#freshJoins.at(-1);
    if (this.#state.status === 'healthy' && last !== undefined && now - last >= this.#options.forgiveAfterMs)
      this.#freshJoins = [];
  }

  /** A frame could not be decrypted; returns what to do when that has become persistent. */
  failed(kind: FailureKind, now: number): HealthAction | undefined {
    const s = this.#state;
    if (s.status === 'rejoining' || s.status === 'gave-up') return undefined;
    if (s.status === 'healthy') {
      this.#state = { status: 'failing', since: now, failures: 1, kinds: new Set([kind]) };
      return undefined;
    }
    s.failures++;
    s.kinds.add(kind);
    const failingMs = now - s.since;
    if (s.failures < this.#options.minFailures || failingMs < this.#options.minFailingMs) return undefined;
    const evidence = { failures: s.failures, failingMs, kinds: [...s.kinds].sort() };
    if (this.#freshJoins.length >= this.#options.maxFreshJoins) {
      this.#state = { status: 'gave-up' };
      return { type: 'give-up', freshJoins: this.#freshJoins.length, ...evidence };
    }
    this.#freshJoins.push(now);
    this.#state = { status: 'rejoining' };
    return { type: 'fresh-join', attempt: this.#freshJoins.length, ...evidence };
  }

  /**
   * A fresh join for a reason other than failures (a move that kept the old channel's transport):
   * not counted against the bound. False when one is already under way or the session gave up.
   */
  rejoinRequested(): boolean {
    if (this.#state.status === 'rejoining' || this.#state.status === 'gave-up') return false;
    this.#state = { status: 'rejoining' };
    return true;
  }

  /** The fresh join reached Ready: judge the new connection from scratch. */
  rejoined(): void {
    if (this.#state.status === 'rejoining') this.#state = { status: 'healthy' };
  }
}
