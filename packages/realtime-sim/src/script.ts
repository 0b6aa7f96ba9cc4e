// What the simulated model "understands": by default it transcribes a user turn as a placeholder
// ("(1.2 s of speech)") and answers with a fixed sentence naming whom it heard. A test or a demo that
// needs words (a scene addressing characters by name, a lorebook keyword) scripts them here: what a
// committed turn says, decided from the audio the server received (its length, its samples), and
// what a reply says. The words reach the client only through the protocol's own events
// (`conversation.item.input_audio_transcription.completed`, the reply's audio transcript), exactly as
// a real model's would.

/** One committed user turn, as the server received it. */
export interface HeardSpeech {
  sessionId: string;
  itemId: string;
  /** Length of the committed audio. */
  audioMs: number;
  /** The committed audio (24 kHz mono PCM16), for explicit commits; absent for server-VAD turns. */
  pcm?: Int16Array;
  /** `[Name]` labels the client sent right before the audio, without brackets. */
  labels: readonly string[];
}

/** What a reply is about to answer. */
export interface ReplyContext {
  sessionId: string;
  voice: string;
  /** The instructions in force for this reply (the session's, or response.create's). */
  instructions: string;
  /** `[Name]` labels before the turn being answered. */
  labels: readonly string[];
  /** Length of the user audio this reply answers (0: none since the last reply). */
  heardMs: number;
  /** What that audio said (its transcript), when there was audio. */
  heardText: string | undefined;
  /** The conversation's latest items, oldest first (text items and transcripts). */
  items: readonly { role: string; text: string }[];
}

/** Scripted understanding; either hook may return undefined for the default behaviour. */
export interface SimScript {
  transcribe?: (heard: HeardSpeech) => string | undefined;
  reply?: (context: ReplyContext) => string | undefined;
}

/** The default transcript of a committed turn: how long it was. */
export function placeholderTranscript(audioMs: number): string {
  return `(${(audioMs / 1000).toFixed(1)} s of speech)`;
}

/**
 * A `transcribe` hook that knows utterances by their length: the entry nearest the committed audio's
 * length, within `toleranceMs`. A transport adds or loses a few frames (a last packet, a closing
 * silence frame), so entries should differ by more than twice the tolerance.
 */
export function transcriptsByDuration(
  entries: readonly { ms: number; text: string }[],
  toleranceMs = 200,
): (heard: HeardSpeech) => string | undefined {
  return (heard) => {
    let best: { d: number; text: string } | undefined;
    for (const e of entries) {
      const d = Math.abs(e.ms - heard.audioMs);
      if (d <= toleranceMs && (!best || d < best.d)) best = { d, text: e.text };
    }
    return best?.text;
  };
}

/** Collects a turn's audio while it is appended, so a commit can hand it to `transcribe`. */
export class HeldInput {
  #chunks: Int16Array[] = [];
  #samples = 0;
  readonly #maxSamples: number;

  constructor(maxSamples: number) {
    this.#maxSamples = maxSamples;
  }

  push(pcm: Int16Array): void {
    this.#chunks.push(pcm);
    this.#samples += pcm.length;
    // Bounded: the oldest audio goes first (a turn longer than this is transcribed by its tail).
    while (this.#samples > this.#maxSamples && this.#chunks.length > 1)
      this.#samples -= this.#chunks.shift()!.length;
  }

  take(): Int16Array {
    const out = new Int16Array(this.#samples);
    let at = 0;
    for (const c of this.#chunks) {
      out.set(c, at);
      at += c.length;
    }
    this.clear();
    return out;
  }

  clear(): void {
    this.#chunks = [];
    this.#samples = 0;
  }
}
