// Holds one guild's voice session lease for as long as the session runs: renews it well before it
// runs out and says when it is lost, so the host stops the session before another host may take
// the guild. Time is counted on this host's clock from the moment each request was sent: the
// database stamped the expiry later than that, so the local deadline always comes first.
import type { Clock } from '@troupe/realtime-core';
import type { Store, VoiceSessionLease } from './types.ts';

export type LeaseLoss = 'taken' | 'expired';

export interface LeaseKeeperOptions {
  store: Pick<Store, 'renewVoiceSession' | 'releaseVoiceSession'>;
  lease: VoiceSessionLease;
  /** This host's clock reading when the claim that produced `lease` was sent. */
  claimSentAt: number;
  clock: Clock;
  /** Called once when the session must stop: the lease was taken or ran out. */
  onLost(reason: LeaseLoss, error?: unknown): void;
  /** Default: a third of the lease's ttl. */
  renewEveryMs?: number;
  /** The session is told to stop this long before the lease runs out; default a tenth of the ttl, at most 2 s. */
  marginMs?: number;
}

type KeeperState =
  | { kind: 'holding'; lease: VoiceSessionLease; deadline: number; renewing: boolean }
  | { kind: 'lost'; reason: LeaseLoss }
  | { kind: 'released' };

export class LeaseKeeper {
  readonly #o: LeaseKeeperOptions;
  readonly #renewEveryMs: number;
  readonly #marginMs: number;
  #state: KeeperState;
  #renewTimer: unknown;
  #deadlineTimer: unknown;
  #lastError: unknown;

  constructor(options: LeaseKeeperOptions) {
    this.#o = options;
    const ttl = options.lease.ttlMs;
    this.#renewEveryMs = options.renewEveryMs ?? Math.max(1, Math.floor(ttl / 3));
    this.#marginMs = options.marginMs ?? Math.min(2_000, Math.floor(ttl / 10));
    this.#state = { kind: 'holding', lease: options.lease, deadline: 0, renewing: false };
    this.#held(options.lease, options.claimSentAt);
    this.#renewTimer = options.clock.setInterval(() => void this.#renew(), this.#renewEveryMs);
  }

  /** The lease while it is held; null once lost or released. */
  get lease(): VoiceSessionLease | null {
    return this.#state.kind === 'holding' ? this.#state.lease : null;
  }

  get state(): 'holding' | 'lost' | 'released' {
    return this.#state.kind;
  }

  /** Ends the session cleanly: stops renewing and forgets the record. False when it was already lost. */
  async release(): Promise<boolean> {
    const state = this.#state;
    this.#stopTimers();
    if (state.kind !== 'holding') return false;
    this.#setState({ kind: 'released' });
    return this.#o.store.releaseVoiceSession(state.lease);
  }

  /** The one place the state changes. */
  #setState(next: KeeperState): void {
    this.#state = next;
  }

  #held(lease: VoiceSessionLease, sentAt: number): void {
    const { clock } = this.#o;
    const deadline = sentAt + lease.ttlMs - this.#marginMs;
    this.#setState({ kind: 'holding', lease, deadline, renewing: false });
    if (this.#deadlineTimer !== undefined) clock.clearTimeout(this.#deadlineTimer);
    this.#deadlineTimer = clock.setTimeout(() => this.#lose('expired'), Math.max(0, deadline - clock.now()));
  }

  async #renew(): Promise<void> {
    const state = this.#state;
    if (state.kind !== 'holding' || state.renewing) return;
    this.#setState({ ...state, renewing: true });
    const sentAt = this.#o.clock.now();
    try {
      const renewed = await this.#o.store.renewVoiceSession(state.lease);
      if (this.#state.kind !== 'holding') return;
      if (renewed) this.#held(renewed, sentAt);
      else this.#lose('taken');
    } catch (err) {
      // The database is unreachable: keep trying on the next tick until the deadline says stop.
      this.#lastError = err;
      if (this.#state.kind === 'holding') this.#setState({ ...this.#state, renewing: false });
    }
  }

  #lose(reason: LeaseLoss): void {
    if (this.#state.kind !== 'holding') return;
    this.#stopTimers();
    this.#setState({ kind: 'lost', reason });
    this.#o.onLost(reason, this.#lastError);
  }

  #stopTimers(): void {
    const { clock } = this.#o;
    if (this.#renewTimer !== undefined) clock.clearInterval(this.#renewTimer);
    if (this.#deadlineTimer !== undefined) clock.clearTimeout(this.#deadlineTimer);
    this.#renewTimer = undefined;
    this.#deadlineTimer = undefined;
  }
}
