import type { VadSpec, VoiceInfo } from '@troupe/realtime-core';
import type { Store } from '@troupe/store';
import type { Logger } from 'pino';
import { type MessageKey, type Params, type Text, type Translator, translator } from '../i18n/translate.ts';
import type { SceneMemoryStore } from '../memory/scene-memory-store.ts';
import type { SessionOwnership } from '../ownership/session-ownership.ts';
import type { ImportedCard } from '../personas/card-parser.ts';
import type { PersonaRegistry } from '../personas/registry.ts';
import type { UsageTracker } from '../usage/usage-tracker.ts';
import type { VoiceManagerPort } from '../voice-port.ts';
import type { GuildDiagnostics } from './diagnostics.ts';

/** A public message already posted; `retract` deletes it (best effort) when what it said did not happen. */
export interface Announcement {
  retract(): Promise<void>;
}

/**
 * Posts a message everyone in the channel sees, in the server's preferred language. Rejects when
 * it cannot be posted (missing Send Messages, channel gone): callers decide what that means.
 */
export type Announce = (
  guildId: string,
  channelId: string,
  render: (t: Translator) => string,
) => Promise<Announcement>;

/** Everything a command handler may touch. */
export interface CommandContext {
  logger: Logger;
  store: Store;
  registry: PersonaRegistry;
  voice: VoiceManagerPort;
  usage: UsageTracker;
  /** Claims a guild's voice session in the database before joining (one host per guild). */
  ownership: SessionOwnership;
  /** What the realtime provider in use documents for server VAD (`/settings vad` checks against it). */
  vadSpec: VadSpec;
  /** Parses a character card (the bot parses off the main thread: see personas/card-parser.ts). */
  importCard(
    bytes: Uint8Array,
    fileName: string,
    options?: { voice?: string },
  ): ImportedCard | Promise<ImportedCard>;
  /** The realtime provider's voices (autocomplete of `voice` options). */
  voiceCatalogue: readonly VoiceInfo[];
  /** Max accepted character-card size in bytes. */
  maxCardBytes: number;
  /** Downloads an attachment under the card-source policy (personas/card-download.ts). */
  downloadCard(url: string, maxBytes: number): Promise<Uint8Array>;
  announce: Announce;
  /**
   * /join calls in progress per guild, from before their consent notice is posted until the voice
   * join settles: a racing /leave waits for them, so it leaves what the join starts.
   */
  pendingJoins: Map<string, Promise<unknown>>;
  /** Scene memory (per channel and character); undefined when the host stores none. */
  sceneMemory?: SceneMemoryStore | undefined;
  /** Operator-level reasons kept per guild for admins (never posted publicly). */
  diagnostics: GuildDiagnostics;
  now(): number;
}

/**
 * An expected failure shown to the user (ephemeral) in their language: what went wrong + how to
 * fix. `message` is the English rendering, for logs.
 */
export class UserError extends Error {
  readonly text: Text;
  constructor(key: MessageKey | Text, params?: Params) {
    const t: Text = typeof key === 'string' ? (params ? { key, params } : { key }) : key;
    super(translator('en').text(t));
    this.name = 'UserError';
    this.text = t;
  }
}
