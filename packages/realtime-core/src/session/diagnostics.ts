// Protocol problems the server causes (bad frames, unknown types, events out of order), logged
// once each with context. A misbehaving server can send thousands a second: identical ones are
// counted and summarised on a timer instead of flooding the log, and the counts are kept.
import type { Clock, Logger } from './clock.ts';

export type ProblemKind =
  | 'binary_frame'
  | 'too_large'
  | 'malformed_json'
  | 'not_an_object'
  | 'no_type'
  | 'schema'
  | 'unknown_event_type'
  | 'out_of_order'
  | 'handler_threw';

export interface ProtocolProblem {
  kind: ProblemKind;
  /** The event's `type`, when the frame got far enough to have one. */
  eventType?: string | undefined;
  /** What was wrong, for a person reading the log. */
  detail: string;
  /** Groups repeats: problems with the same kind, event type and signature are "identical". */
  signature: string;
  /** A bounded piece of the frame (server data only: it never holds our credentials). */
  excerpt?: string | undefined;
}

export interface ProblemCount {
  kind: ProblemKind;
  eventType: string | undefined;
  signature: string;
  /** The first occurrence's detail. */
  detail: string;
  count: number;
}

export interface DiagnosticsOptions {
  /** Repeats of a logged problem are summarised at most this often. Default 10 s. */
  summaryIntervalMs?: number;
  /** Distinct problems remembered; the least recent is summarised and forgotten beyond it. Default 256. */
  maxKinds?: number;
}

interface Entry extends ProblemCount {
  /** Repeats since the last log line about this problem. */
  pending: number;
}

/** Unknown event types are the provider adding features, not a fault: they log at info. */
const levelOf = (kind: ProblemKind): 'info' | 'warn' => (kind === 'unknown_event_type' ? 'info' : 'warn');

export class ProtocolDiagnostics {
  readonly #entries = new Map<string, Entry>();
  readonly #byKind = new Map<ProblemKind, number>();
  readonly #log: Logger;
  readonly #clock: Clock;
  readonly #intervalMs: number;
  readonly #maxKinds: number;
  #timer: unknown;
  #total = 0;
  #forgotten = 0;

  constructor(log: Logger, clock: Clock, options: DiagnosticsOptions = {}) {
    this.#log = log;
    this.#clock = clock;
    this.#intervalMs = options.summaryIntervalMs ?? 10_000;
    this.#maxKinds = options.maxKinds ?? 256;
  }

  /** Problems reported since the session started, repeats included. */
  get total(): number {
    return this.#total;
  }

  /** Distinct problems dropped from memory (their counts were logged first, and stay in `byKind`). */
  get forgotten(): number {
    return this.#forgotten;
  }

  /** Occurrences per kind since the start; never forgotten. */
  byKind(): Partial<Record<ProblemKind, number>> {
    return Object.fromEntries(this.#byKind);
  }

  /** The distinct problems remembered, with their counts. */
  snapshot(): ProblemCount[] {
    return [...this.#entries.values()].map(({ pending: _pending, ...count }) => count);
  }

  /** Records a problem; returns true when this is its first occurrence (it was logged now). */
  report(p: ProtocolProblem): boolean {
    this.#total++;
    this.#byKind.set(p.kind, (this.#byKind.get(p.kind) ?? 0) + 1);
    const key = `${p.kind}\u0000${p.eventType ?? ''}\u0000${p.signature}`;
    const seen = this.#entries.get(key);
    if (seen) {
      seen.count++;
      seen.pending++;
      // Re-inserting keeps the map in least-recently-seen order for eviction.
      this.#entries.delete(key);
      this.#entries.set(key, seen);
      this.#timer ??= this.#clock.setTimeout(() => this.flush(), this.#intervalMs);
      return false;
    }
    const entry: Entry = {
      kind: p.kind,
      eventType: p.eventType,
      signature: p.signature,
      detail: p.detail,
      count: 1,
      pending: 0,
    };
    this.#entries.set(key, entry);
    this.#log[levelOf(p.kind)](
      { problem: p.kind, eventType: p.eventType, detail: p.detail, excerpt: p.excerpt, occurrences: 1 },
      `realtime protocol problem: ${p.detail}`,
    );
    if (this.#entries.size > this.#maxKinds) this.#forgetOldest();
    return true;
  }

  /** Logs one summary line per problem that repeated since it was last logged. */
  flush(): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    for (const e of this.#entries.values()) this.#summarise(e);
  }

  /** Flushes and stops the summary timer (the session is closing). */
  dispose(): void {
    this.flush();
  }

  #summarise(e: Entry): void {
    if (e.pending === 0) return;
    this.#log[levelOf(e.kind)](
      { problem: e.kind, eventType: e.eventType, detail: e.detail, occurrences: e.pending, total: e.count },
      `realtime protocol problem repeated ${e.pending} more time(s): ${e.detail}`,
    );
    e.pending = 0;
  }

  #forgetOldest(): void {
    const [key, oldest] = this.#entries.entries().next().value as [string, Entry];
    this.#summarise(oldest);
    this.#entries.delete(key);
    this.#forgotten++;
  }
}
