import type { GuildSettings, Store } from '@troupe/store';
import type { Logger } from 'pino';
import type { VoiceManagerPort } from '../voice-port.ts';

/** One final line of a voice conversation. */
export interface TranscriptLine {
  guildId: string;
  voiceChannelId: string;
  author: string;
  avatarUrl?: string | undefined;
  text: string;
}

/** One message to post under a display identity. */
export interface TranscriptMessage {
  username: string;
  avatarUrl?: string | undefined;
  content: string;
}

/** Where batched transcript messages go (webhook or plain message; see discord-sink.ts). */
export interface TranscriptSink {
  send(guildId: string, channelId: string, message: TranscriptMessage): Promise<void>;
}

/** Timer functions, injected so batching is testable without real time. */
export interface TimerFns {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

interface Pending {
  guildId: string;
  channelId: string;
  lines: { author: string; avatarUrl?: string | undefined; text: string }[];
  timer: unknown;
}

/**
 * Posts final user/persona transcript lines to the guild's transcript channel when enabled.
 * Lines are batched per channel for `flushMs` and consecutive lines by the same author are merged
 * into one message, which keeps the bot far below Discord's webhook rate limit (5 per 2 s).
 */
export class TranscriptPoster {
  readonly #pending = new Map<string, Pending>();
  readonly #chains = new Map<string, Promise<void>>();
  /** Lines waiting for their guild's settings, in order, per guild. */
  readonly #intake = new Map<string, Promise<void>>();
  readonly #o: {
    store: Store;
    sink: TranscriptSink;
    logger: Logger;
    flushMs: number;
    timers: TimerFns;
  };

  constructor(o: {
    store: Store;
    sink: TranscriptSink;
    logger: Logger;
    voice?: VoiceManagerPort;
    flushMs?: number;
    timers?: TimerFns;
  }) {
    this.#o = {
      store: o.store,
      sink: o.sink,
      logger: o.logger,
      flushMs: o.flushMs ?? 1500,
      timers: o.timers ?? {
        setTimeout: (f, ms) => setTimeout(f, ms),
        clearTimeout: (h) => clearTimeout(h as never),
      },
    };
    o.voice?.on(
      'transcript',
      (t) =>
        void this.add({
          guildId: t.guildId,
          voiceChannelId: t.channelId,
          author: t.role === 'assistant' ? t.persona.name : t.speaker,
          avatarUrl: t.role === 'assistant' ? t.persona.avatarUrl : undefined,
          text: t.text,
        }),
    );
  }

  /**
   * Queues one line; ignored when transcripts are off for the guild. The settings come from the
   * store's memory when cached; lines of one guild keep their order while they are read.
   */
  add(line: TranscriptLine): Promise<void> {
    const cached = this.#o.store.cachedSettings(line.guildId);
    const before = this.#intake.get(line.guildId);
    if (cached && !before) {
      this.#queue(line, cached);
      return Promise.resolve();
    }
    const next = (before ?? Promise.resolve())
      .then(() => this.#o.store.getSettings(line.guildId))
      .then(
        (settings) => this.#queue(line, settings),
        (err: unknown) =>
          this.#o.logger.warn({ err, guildId: line.guildId }, 'transcript line dropped: settings unreadable'),
      );
    this.#intake.set(line.guildId, next);
    void next.then(() => {
      if (this.#intake.get(line.guildId) === next) this.#intake.delete(line.guildId);
    });
    return next;
  }

  #queue(line: TranscriptLine, settings: GuildSettings): void {
    const text = line.text.trim();
    if (!settings.transcriptsEnabled || text === '') return;
    const channelId = settings.transcriptsChannelId ?? line.voiceChannelId;
    const key = `${line.guildId}:${channelId}`;
    let p = this.#pending.get(key);
    if (!p) {
      p = { guildId: line.guildId, channelId, lines: [], timer: undefined };
      this.#pending.set(key, p);
      p.timer = this.#o.timers.setTimeout(() => this.#flushKey(key), this.#o.flushMs);
    }
    p.lines.push({ author: line.author.slice(0, 80), avatarUrl: line.avatarUrl, text });
  }

  /** Posts everything queued now (also used at shutdown); resolves once sent. */
  async flush(): Promise<void> {
    await Promise.all([...this.#intake.values()]);
    for (const key of [...this.#pending.keys()]) this.#flushKey(key);
    await Promise.all([...this.#chains.values()]);
  }

  #flushKey(key: string): void {
    const p = this.#pending.get(key);
    if (!p) return;
    this.#pending.delete(key);
    this.#o.timers.clearTimeout(p.timer);
    const messages = mergeLines(p.lines);
    const prev = this.#chains.get(key) ?? Promise.resolve();
    // One send at a time per channel, in order.
    const next = prev.then(async () => {
      for (const m of messages) {
        try {
          await this.#o.sink.send(p.guildId, p.channelId, m);
        } catch (err) {
          this.#o.logger.warn({ err, guildId: p.guildId, channelId: p.channelId }, 'transcript post failed');
        }
      }
    });
    this.#chains.set(key, next);
    void next.then(() => {
      if (this.#chains.get(key) === next) this.#chains.delete(key);
    });
  }
}

/** Merges consecutive lines by the same author into messages of at most 1900 characters. */
export function mergeLines(
  lines: readonly { author: string; avatarUrl?: string | undefined; text: string }[],
) {
  const out: TranscriptMessage[] = [];
  for (const l of lines) {
    const last = out.at(-1);
    if (last && last.username === l.author && last.content.length + l.text.length + 1 <= 1900) {
      last.content += `\n${l.text}`;
    } else {
      out.push({ username: l.author, avatarUrl: l.avatarUrl, content: l.text.slice(0, 1900) });
    }
  }
  return out;
}
