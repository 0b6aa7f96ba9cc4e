import type { ClientEvent } from '../protocol/index.ts';

export type HistoryRole = 'user' | 'assistant' | 'system';

export interface HistoryEntry {
  role: HistoryRole;
  text: string;
  itemId?: string;
}

/** Reply items whose audio length is remembered for truncation. */
const MAX_AUDIO_ITEMS = 32;

interface AssistantAudio {
  samples: number;
  /** Fraction of the item the listeners heard, once truncated. */
  heardFraction?: number;
}

/**
 * The conversation as text, kept client-side so a new connection (reconnect, rollover,
 * voice switch) can be seeded with it. Truncated replies keep only the part that was heard,
 * so the persona never "remembers" saying what nobody heard.
 */
export class ConversationHistory {
  readonly #entries: HistoryEntry[] = [];
  readonly #audio = new Map<string, AssistantAudio>();
  readonly maxItems: number;
  readonly maxChars: number;

  constructor(limits: { maxItems?: number; maxChars?: number } = {}) {
    this.maxItems = limits.maxItems ?? 60;
    this.maxChars = limits.maxChars ?? 16_000;
  }

  get entries(): readonly HistoryEntry[] {
    return this.#entries;
  }

  add(entry: HistoryEntry): void {
    if (entry.text.trim().length === 0) return;
    this.#entries.push(entry);
    if (this.#entries.length > this.maxItems * 2)
      this.#entries.splice(0, this.#entries.length - this.maxItems);
  }

  /**
   * Counts reply audio per item so a later truncation can be turned into a fraction. Only recent
   * items are kept: barge-in truncates the reply playing now, and a long session must not
   * accumulate one record per reply forever.
   */
  addAssistantAudio(itemId: string, samples: number): void {
    const a = this.#audio.get(itemId) ?? { samples: 0 };
    a.samples += samples;
    this.#audio.set(itemId, a);
    if (this.#audio.size > MAX_AUDIO_ITEMS) this.#audio.delete(this.#audio.keys().next().value as string);
  }

  /** Records the final transcript of a reply, cut to what was heard if it was truncated. */
  addAssistantTranscript(itemId: string, text: string): string {
    const fraction = this.#audio.get(itemId)?.heardFraction;
    const kept = fraction === undefined ? text : cutAtWord(text, fraction);
    this.add({ role: 'assistant', text: kept, itemId });
    return kept;
  }

  truncate(itemId: string, audioEndMs: number, sampleRate: number): void {
    const a = this.#audio.get(itemId);
    if (!a || a.samples === 0) return;
    const fraction = Math.min(1, (audioEndMs * sampleRate) / 1000 / a.samples);
    a.heardFraction = fraction;
    const entry = this.#entries.find((e) => e.itemId === itemId && e.role === 'assistant');
    if (entry) entry.text = cutAtWord(entry.text, fraction);
  }

  clear(): void {
    this.#entries.length = 0;
    this.#audio.clear();
  }

  /** `conversation.item.create` events that rebuild the most recent context on a fresh connection. */
  replayEvents(): ClientEvent[] {
    const picked: HistoryEntry[] = [];
    let chars = 0;
    for (let i = this.#entries.length - 1; i >= 0 && picked.length < this.maxItems; i--) {
      const e = this.#entries[i]!;
      if (chars + e.text.length > this.maxChars) break;
      chars += e.text.length;
      picked.unshift(e);
    }
    return picked.map((e) => ({
      type: 'conversation.item.create',
      item: {
        type: 'message',
        role: e.role,
        content: [{ type: e.role === 'assistant' ? 'text' : 'input_text', text: e.text }],
      },
    }));
  }
}

/** Keeps the first `fraction` of a text, backing off to a word boundary for space-separated scripts. */
export function cutAtWord(text: string, fraction: number): string {
  if (fraction >= 1) return text;
  const chars = Array.from(text);
  const n = Math.round(chars.length * Math.max(0, fraction));
  let cut = chars.slice(0, n).join('');
  if (n < chars.length && /\s/.test(text) && !/\s$/.test(cut)) {
    const space = cut.lastIndexOf(' ');
    if (space > 0) cut = cut.slice(0, space);
  }
  return cut.length < text.length ? `${cut.trimEnd()}…` : cut;
}
