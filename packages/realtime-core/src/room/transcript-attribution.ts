// Who said each committed user item. Server VAD commits turns in the order they ended, possibly
// after the next speaker has taken the floor, so each closed turn's speaker waits in order for its
// commit; the transcript comes later still. Every structure here is bounded: a turn that is never
// committed, a transcript that is empty or never arrives (transcription failed) costs nothing
// after the bound, instead of one map entry per turn forever.

/** Closed turns awaiting their commit. */
const MAX_AWAITING_COMMIT = 8;
/** Committed items awaiting their transcript. */
const MAX_AWAITING_TRANSCRIPT = 32;

/** `Who` is whatever identifies a turn's speaker (a label, or the label and the speaker's id). */
export class TranscriptAttribution<Who = string> {
  readonly #closedTurns: Who[] = [];
  /** Insertion-ordered, so the oldest entry is evicted first. */
  readonly #byItem = new Map<string, Who>();
  #lastSpeaker: Who;

  constructor(fallbackSpeaker: Who) {
    this.#lastSpeaker = fallbackSpeaker;
  }

  /** Entries still waiting (for `status()` and the leak tests). */
  get pending(): number {
    return this.#closedTurns.length + this.#byItem.size;
  }

  turnOpened(speaker: Who): void {
    this.#lastSpeaker = speaker;
  }

  turnClosed(speaker: Who): void {
    this.#closedTurns.push(speaker);
    if (this.#closedTurns.length > MAX_AWAITING_COMMIT) this.#closedTurns.shift();
  }

  /** The model committed a user item: the oldest closed turn spoke it (or the open one, mid-turn). */
  committed(itemId: string): void {
    this.#byItem.delete(itemId);
    this.#byItem.set(itemId, this.#closedTurns.shift() ?? this.#lastSpeaker);
    if (this.#byItem.size > MAX_AWAITING_TRANSCRIPT) this.#byItem.delete(this.#byItem.keys().next().value!);
  }

  /** The speaker of `itemId`'s final transcript (empty or not): forgets the item. */
  speakerOf(itemId: string): Who {
    const speaker = this.#byItem.get(itemId) ?? this.#lastSpeaker;
    this.#byItem.delete(itemId);
    return speaker;
  }
}
