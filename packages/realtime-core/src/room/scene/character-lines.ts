// A character's line becomes part of the scene once two things are known: what it said (the model's
// transcript) and how much of it the listeners heard (its playback). A line stopped by a barge-in
// keeps only what was heard — the others must not react to words nobody heard — and a line nobody
// heard is no line at all. Transcripts that never come cost a bounded wait.

import type { Clock } from '../../session/clock.ts';
import { cutAtWord } from '../../session/history.ts';
import type { PlaybackReport } from '../pacer.ts';

interface Pending {
  characterId: string;
  responseId: string;
  itemId: string | undefined;
  text: string | undefined;
  /** Share of the generated audio the listeners heard, once playback ended. */
  heard: number | undefined;
  /** The reply was cut short (barge-in or overflow) and its item truncated. */
  cut: boolean;
  /** The transcript came after the truncation, so the session already cut it to what was heard. */
  textAfterCut: boolean;
  /** A barge-in stopped it. */
  stopped: boolean;
  timer: unknown;
}

/** A line settled: `text` undefined when nothing of it was heard or it has no transcript. */
export type LineSettled = (e: {
  characterId: string;
  responseId: string;
  text: string | undefined;
  heard: boolean;
  stopped: boolean;
}) => void;

/** Replies followed at once; older ones are settled without a transcript. */
const MAX_PENDING = 16;

export class CharacterLines {
  readonly #byResponse = new Map<string, Pending>();
  readonly #clock: Clock;
  readonly #waitMs: number;
  readonly #settled: LineSettled;

  constructor(clock: Clock, transcriptWaitMs: number, settled: LineSettled) {
    this.#clock = clock;
    this.#waitMs = transcriptWaitMs;
    this.#settled = settled;
  }

  /** Reply audio arrived for `responseId` (its item is `itemId`). */
  audio(characterId: string, responseId: string, itemId: string): void {
    let p = this.#byResponse.get(responseId);
    if (!p) {
      p = {
        characterId,
        responseId,
        itemId,
        text: undefined,
        heard: undefined,
        cut: false,
        textAfterCut: false,
        stopped: false,
        timer: undefined,
      };
      this.#byResponse.set(responseId, p);
      if (this.#byResponse.size > MAX_PENDING) this.#settle(this.#byResponse.values().next().value!);
    }
    p.itemId = itemId;
  }

  has(responseId: string): boolean {
    return this.#byResponse.has(responseId);
  }

  /** A reply of `characterId` is still being received or played. */
  pendingFor(characterId: string): boolean {
    for (const p of this.#byResponse.values()) if (p.characterId === characterId) return true;
    return false;
  }

  /** The model's final transcript of a reply item. */
  text(characterId: string, itemId: string, text: string): void {
    for (const p of this.#byResponse.values()) {
      if (p.characterId !== characterId || p.itemId !== itemId || p.text !== undefined) continue;
      p.text = text;
      p.textAfterCut = p.cut;
      if (p.heard !== undefined) this.#settle(p);
      return;
    }
  }

  /** The reply's playback ended (played out, given up, or stopped by a barge-in). */
  played(report: PlaybackReport): void {
    const p = this.#byResponse.get(report.reply.responseId);
    if (!p) return;
    const { reply } = report;
    const received = reply.receivedMs;
    p.cut = report.end !== 'done' || reply.status === 'cut';
    p.stopped = report.end === 'stopped';
    p.heard = !p.cut ? 1 : received > 0 ? Math.min(1, (report.frames * 20) / received) : 0;
    if (p.text !== undefined || p.heard === 0) this.#settle(p);
    else p.timer = this.#clock.setTimeout(() => this.#settle(p), this.#waitMs);
  }

  /** A barge-in: replies not yet heard at all will never be. */
  dropUnheard(): void {
    for (const p of [...this.#byResponse.values()]) if (p.heard === undefined) this.#settle(p, true);
  }

  /** A reply ended without audio: there is nothing to hear. */
  noAudio(characterId: string, responseId: string): void {
    this.#settled({ characterId, responseId, text: undefined, heard: false, stopped: false });
  }

  close(): void {
    for (const p of this.#byResponse.values()) this.#clock.clearTimeout(p.timer);
    this.#byResponse.clear();
  }

  #settle(p: Pending, stopped = p.stopped): void {
    this.#clock.clearTimeout(p.timer);
    this.#byResponse.delete(p.responseId);
    const heard = (p.heard ?? 0) > 0;
    let text = p.text?.trim() || undefined;
    if (text && p.cut && !p.textAfterCut) text = cutAtWord(text, p.heard ?? 0);
    this.#settled({
      characterId: p.characterId,
      responseId: p.responseId,
      text: heard ? text : undefined,
      heard,
      stopped,
    });
  }
}
