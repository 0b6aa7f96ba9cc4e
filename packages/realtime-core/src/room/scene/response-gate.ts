// One reply at a time per model session: a model refuses a second reply while one is in progress
// (`conversation_already_has_active_response`), so an ask made while its session is busy waits
// for that reply to end. An ask that has become pointless (its chain was cancelled) says so by
// returning false, and the next one waiting goes instead.
import type { CastMember } from '../ports.ts';

/** Asks kept per session while it is busy; beyond it the oldest is dropped. */
const MAX_WAITING = 4;

export class ResponseGate {
  readonly #busy = new Set<CastMember>();
  readonly #waiting = new Map<CastMember, (() => boolean)[]>();

  isBusy(member: CastMember): boolean {
    return this.#busy.has(member) || (this.#waiting.get(member)?.length ?? 0) > 0;
  }

  /** Runs `ask` now if `member`'s session is free, else once its reply ends; `ask` returns whether it asked. */
  ask(member: CastMember, ask: () => boolean): void {
    if (!this.#busy.has(member)) {
      if (ask()) this.#busy.add(member);
      return;
    }
    const list = this.#waiting.get(member) ?? [];
    list.push(ask);
    if (list.length > MAX_WAITING) list.shift();
    this.#waiting.set(member, list);
  }

  /** The session started a reply (asked for or not). */
  started(member: CastMember): void {
    this.#busy.add(member);
  }

  /** The session's reply ended (or an ask was given up): the next waiting ask goes. */
  done(member: CastMember): void {
    this.#busy.delete(member);
    const list = this.#waiting.get(member);
    while (list?.length && !this.#busy.has(member)) if (list.shift()!()) this.#busy.add(member);
  }

  forget(member: CastMember): void {
    this.#busy.delete(member);
    this.#waiting.delete(member);
  }
}
