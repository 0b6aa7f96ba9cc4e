// A channel's scene memory while a session runs: every line said (a scene's `line` events, a single
// character's transcripts) goes to the store under each character that heard it, and is kept for
// this session too, so a character joining, returning or moving to a new room (one character
// becoming a scene) picks up where the conversation stands — whatever the guild's retention. An
// opted-out member's lines are never stored and are forgotten here as soon as they opt out.
import type { Persona, RestoredLine, RoomTranscript, SceneLine } from '@troupe/realtime-core';
import type { Logger } from 'pino';
import type { SceneMemoryStore, StoredSceneLine } from '../memory/scene-memory-store.ts';

/** This session's lines kept in memory (a restore takes far fewer: the room's memoryChars). */
const MAX_SESSION_LINES = 200;
/** Stored lines asked for per character joining. */
const RECALL_LINES = 60;

interface SessionLine extends RestoredLine {
  heardBy: readonly string[];
}

export interface CastMemoryDeps {
  store: SceneMemoryStore | undefined;
  guildId: string;
  channelId(): string;
  now(): number;
  isOptedOut(userId: string): boolean;
  logger: Logger;
}

export class CastMemory {
  readonly #d: CastMemoryDeps;
  readonly #lines: SessionLine[] = [];

  constructor(deps: CastMemoryDeps) {
    this.#d = deps;
  }

  /** A scene's line, heard by `heardBy`. */
  sceneLine(line: SceneLine): void {
    this.#record({ ...line }, line.heardBy);
  }

  /** A single character's transcript line (`persona` is who plays). */
  soloLine(t: RoomTranscript, persona: Persona): void {
    const text = t.text.trim();
    if (!text) return;
    if (t.role === 'assistant') {
      const line = { speakerKind: 'character' as const, speakerId: persona.id, speakerName: persona.name };
      this.#record({ ...line, text, at: this.#d.now() }, [persona.id]);
    } else if (t.speakerId !== undefined) {
      // A line whose speaker is unknown could not be erased at their request: it is not kept.
      const line = { speakerKind: 'player' as const, speakerId: t.speakerId, speakerName: t.speaker };
      this.#record({ ...line, text, at: this.#d.now() }, [persona.id]);
    }
  }

  /** What `characterId` should remember: its stored lines, then this session's it heard, oldest first. */
  async recall(characterId: string): Promise<RestoredLine[]> {
    const session = this.#lines.filter((l) => l.heardBy.includes(characterId));
    const stored = await this.#stored(characterId);
    const key = (l: RestoredLine) => `${l.speakerKind}\u0000${l.speakerId}\u0000${l.at}\u0000${l.text}`;
    const inSession = new Set(session.map(key));
    // Lines this session already wrote come back from the store too: keep one of each.
    const older = stored.filter((l) => !inSession.has(key(l)));
    return [...older, ...session.map(({ heardBy: _h, ...l }) => l)].filter(
      (l) => l.speakerKind === 'character' || !this.#d.isOptedOut(l.speakerId),
    );
  }

  /** A member opted out: nothing of theirs is restored to anyone from this session. */
  forgetSpeaker(userId: string): void {
    for (let i = this.#lines.length - 1; i >= 0; i--) {
      const l = this.#lines[i]!;
      if (l.speakerKind === 'player' && l.speakerId === userId) this.#lines.splice(i, 1);
    }
  }

  /** `/voice reset`: this session's conversation is forgotten (stored lines stay; `/voice forget` erases them). */
  clearSession(): void {
    this.#lines.splice(0);
  }

  #record(line: RestoredLine, heardBy: readonly string[]): void {
    if (line.speakerKind === 'player' && this.#d.isOptedOut(line.speakerId)) return;
    this.#lines.push({ ...line, heardBy: [...heardBy] });
    if (this.#lines.length > MAX_SESSION_LINES) this.#lines.shift();
    const store = this.#d.store;
    if (!store || heardBy.length === 0) return;
    const base = { guildId: this.#d.guildId, channelId: this.#d.channelId() };
    const rows: StoredSceneLine[] = heardBy.map((characterId) => ({
      ...base,
      characterId,
      speakerKind: line.speakerKind === 'player' ? 'member' : 'character',
      speakerId: line.speakerId,
      speakerName: line.speakerName,
      text: line.text,
      at: line.at,
    }));
    store.append(rows).catch((err: unknown) => this.#d.logger.warn({ err }, 'could not store scene lines'));
  }

  async #stored(characterId: string): Promise<RestoredLine[]> {
    const store = this.#d.store;
    if (!store) return [];
    try {
      const rows = await store.recent({
        guildId: this.#d.guildId,
        channelId: this.#d.channelId(),
        characterId,
        limit: RECALL_LINES,
        now: this.#d.now(),
      });
      return rows.map((r) => ({
        speakerKind: r.speakerKind === 'member' ? 'player' : 'character',
        speakerId: r.speakerId,
        speakerName: r.speakerName,
        text: r.text,
        at: r.at,
      }));
    } catch (err) {
      this.#d.logger.warn({ err, characterId }, 'could not read scene memory; the character starts fresh');
      return [];
    }
  }
}
