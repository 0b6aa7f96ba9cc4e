/** A set that keeps only the most recent `limit` ids: enough to recognise late events, bounded forever. */
export class RecentIds {
  readonly #ids = new Set<string>();
  readonly #limit: number;

  constructor(limit: number) {
    this.#limit = limit;
  }

  has(id: string): boolean {
    return this.#ids.has(id);
  }

  add(id: string): void {
    this.#ids.delete(id);
    this.#ids.add(id);
    if (this.#ids.size > this.#limit) this.#ids.delete(this.#ids.values().next().value as string);
  }

  delete(id: string): boolean {
    return this.#ids.delete(id);
  }

  clear(): void {
    this.#ids.clear();
  }
}
