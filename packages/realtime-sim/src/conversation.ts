// The conversation as the server holds it: items in order, the speaker labels waiting for the next
// turn, and the assistant items truncation can cut. No I/O: the connection decides what to send.
import { type AssistantItem, truncateItem } from './reply.ts';
import type { SimResponseLog, SimSessionLog } from './types.ts';

/** A fresh session as the server starts it. */
export function newSessionLog(
  sessionId: string,
  model: string,
  voice: string,
  turnDetection: Record<string, unknown> | null,
): SimSessionLog {
  return {
    sessionId,
    model,
    config: { voice, instructions: '', turn_detection: turnDetection },
    items: [],
    appendedSamples: 0,
    counters: { received: 0, sent: 0, errors: 0 },
    closed: false,
  };
}

export class ServerConversation {
  readonly #log: SimSessionLog;
  #labels: string[] = [];
  #lastItemId: string | null = null;
  readonly #assistant = new Map<string, AssistantItem>();

  constructor(log: SimSessionLog) {
    this.#log = log;
  }

  /** Appends an item; returns the id of the item before it (`previous_item_id`). */
  add(
    item: { id: string; role: string; text: string; audioMs?: number },
    previous?: string | null,
  ): string | null {
    this.#log.items.push(item);
    const before = previous === undefined ? this.#lastItemId : previous;
    this.#lastItemId = item.id;
    return before;
  }

  /** An item the client created. Labels are the `[Name]` items right before a turn's audio; any other ends a run. */
  addFromClient(
    item: { id: string; role: string; text: string },
    previous: string | null | undefined,
  ): string | null {
    const label = item.role !== 'assistant' && /^\[[^\]]+\]$/.test(item.text.trim());
    if (label) this.#labels.push(item.text.trim().slice(1, -1));
    else this.#labels = [];
    return this.add(item, previous);
  }

  addAssistant(itemId: string, samples: number, response: SimResponseLog): string | null {
    this.#assistant.set(itemId, { audioSamples: samples, transcript: response.transcript, response });
    return this.add({ id: itemId, role: 'assistant', text: response.transcript });
  }

  /** The labels waiting for the next turn (not taken). */
  get labels(): readonly string[] {
    return [...this.#labels];
  }

  /** The labels for the turn being answered; the next turn starts with none. */
  takeLabels(): string[] {
    const labels = this.#labels;
    this.#labels = [];
    return labels;
  }

  delete(itemId: string): boolean {
    const before = this.#log.items.length;
    this.#log.items = this.#log.items.filter((i) => i.id !== itemId);
    return this.#log.items.length !== before;
  }

  /** Cuts an assistant item at `audioEndMs`: 'not_found', an error message, or undefined when done. */
  truncate(itemId: string, audioEndMs: number, rate: number): 'not_found' | string | undefined {
    const item = this.#assistant.get(itemId);
    if (!item) return 'not_found';
    const bad = truncateItem(item, audioEndMs, rate);
    if (bad) return bad;
    item.response.truncatedAtMs = audioEndMs;
    const logged = this.#log.items.find((i) => i.id === itemId);
    if (logged) logged.text = item.transcript;
    return undefined;
  }
}
