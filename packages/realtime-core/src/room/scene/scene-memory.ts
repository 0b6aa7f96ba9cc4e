// What a scene remembers while it runs: its lines (players' transcripts and characters' heard
// lines), and per character the lines restored from storage when it joined. A character that
// (re)connects — it joined, was evicted and came back, its session rolled over or reconnected — is
// given the tail of its stored lines and the scene's, within a character budget, so it picks up
// where the scene stopped (a character joining a running scene reads its latest lines, as in a
// SillyTavern group chat). Storage is the owner's: lines go out as events and come back as `restored`.
import type { TranscriptLine } from '../../persona/card/lorebook.ts';
import { FALLBACK_SPEAKER_NAME, normaliseSpeakerName } from '../speaker-labels.ts';
import type { RestoredLine, SceneLine, ScenePort } from './scene-types.ts';

/** Longest restored line: a stored line is untrusted input like any other. */
const MAX_LINE_CHARS = 2000;

/** Lines kept in the room (the memory tail and the lorebook's scan need far fewer). */
const MAX_LINES = 200;
/** Restored lines kept per character. */
const MAX_RESTORED = 200;

const keyOf = (l: RestoredLine) => `${l.speakerKind}\u0000${l.speakerId}\u0000${l.at}\u0000${l.text}`;

export class SceneLog {
  readonly #lines: SceneLine[] = [];
  readonly #restored = new Map<string, RestoredLine[]>();

  /** A character joins, with what storage remembers of earlier scenes (oldest first). */
  join(characterId: string, restored: readonly RestoredLine[] = []): void {
    this.#restored.set(characterId, restored.slice(-MAX_RESTORED));
  }

  leave(characterId: string): void {
    this.#restored.delete(characterId);
  }

  add(line: SceneLine): void {
    this.#lines.push(line);
    if (this.#lines.length > MAX_LINES) this.#lines.shift();
  }

  /** A speaker opted out: nothing of theirs is restored to anyone again. */
  forgetSpeaker(speakerId: string): void {
    const mine = (l: RestoredLine) => l.speakerKind === 'player' && l.speakerId === speakerId;
    for (let i = this.#lines.length - 1; i >= 0; i--) if (mine(this.#lines[i]!)) this.#lines.splice(i, 1);
    for (const [id, lines] of this.#restored)
      this.#restored.set(
        id,
        lines.filter((l) => !mine(l)),
      );
  }

  /** The newest lines `characterId` should know, oldest first, within `maxChars` of text. */
  tail(characterId: string, maxChars: number): RestoredLine[] {
    const seen = new Set<string>();
    const all: RestoredLine[] = [];
    for (const l of [...(this.#restored.get(characterId) ?? []), ...this.#lines]) {
      const key = keyOf(l);
      if (seen.has(key)) continue;
      seen.add(key);
      all.push(l);
    }
    const out: RestoredLine[] = [];
    let chars = 0;
    for (let i = all.length - 1; i >= 0; i--) {
      const l = all[i]!;
      chars += l.text.length + l.speakerName.length + 3;
      if (chars > maxChars) break;
      out.unshift(l);
    }
    return out;
  }

  /** The scene's latest lines as the lorebook scans them ("Name: text"), oldest first. */
  transcript(limit = 100): TranscriptLine[] {
    return this.#lines.slice(-limit).map((l) => ({ speaker: l.speakerName, text: l.text }));
  }
}

/**
 * Gives a (re)connected session the tail: the character's own lines as its replies, everyone
 * else's as `[Name] text`; then `note` (the card's post-history instructions) as a system item.
 */
export function injectTail(
  port: ScenePort,
  characterId: string,
  tail: readonly RestoredLine[],
  note: string | undefined,
): void {
  for (const l of tail) {
    // One line, capped; the name normalised as a label is, so nothing stored can forge a `[Name]`.
    const text = l.text.replace(/\s+/g, ' ').trim().slice(0, MAX_LINE_CHARS);
    if (!text) continue;
    if (l.speakerKind === 'character' && l.speakerId === characterId) port.addText('assistant', text);
    else port.addText('user', `[${normaliseSpeakerName(l.speakerName) || FALLBACK_SPEAKER_NAME}] ${text}`);
  }
  if (note) port.addText('system', note);
}
