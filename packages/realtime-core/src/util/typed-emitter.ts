/** Event map in tuple style: `{ audio: [chunk: Int16Array]; error: [err: RealtimeError] }`. */
export type EventMap<E> = { [K in keyof E]: unknown[] };
type Listener<A extends unknown[]> = (...args: A) => void;
// biome-ignore lint/suspicious/noExplicitAny: listeners of different arities share one set
type AnyListener = (...args: any[]) => void;

/**
 * A minimal typed emitter with no Node dependency, so pure modules and browsers can use it.
 * A throwing listener is reported to `onListenerError` instead of breaking the emitter's caller.
 */
export class TypedEmitter<E extends EventMap<E>> {
  readonly #listeners = new Map<keyof E, Set<AnyListener>>();
  protected onListenerError: (err: unknown, event: keyof E) => void = (err) => {
    queueMicrotask(() => {
      throw err;
    });
  };

  on<K extends keyof E>(event: K, listener: Listener<E[K]>): this {
    let set = this.#listeners.get(event);
    if (!set) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    set.add(listener as AnyListener);
    return this;
  }

  once<K extends keyof E>(event: K, listener: Listener<E[K]>): this {
    const wrapped = (...args: E[K]) => {
      this.off(event, wrapped);
      listener(...args);
    };
    return this.on(event, wrapped);
  }

  off<K extends keyof E>(event: K, listener: Listener<E[K]>): this {
    this.#listeners.get(event)?.delete(listener as AnyListener);
    return this;
  }

  listenerCount<K extends keyof E>(event: K): number {
    return this.#listeners.get(event)?.size ?? 0;
  }

  protected emit<K extends keyof E>(event: K, ...args: E[K]): void {
    const set = this.#listeners.get(event);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        listener(...args);
      } catch (err) {
        this.onListenerError(err, event);
      }
    }
  }
}

/** Resolves with the event's arguments the next time it fires. */
export function nextEvent<E extends EventMap<E>, K extends keyof E>(
  emitter: TypedEmitter<E>,
  event: K,
): Promise<E[K]> {
  return new Promise((resolve) => emitter.once(event, (...args) => resolve(args)));
}
