import type { Persona } from '@troupe/realtime-core';
import type { Logger } from 'pino';
import type { PersonaRegistry } from '../personas/registry.ts';
import type { Store } from '../store/store.ts';
import type { UsageTracker } from '../usage/usage-tracker.ts';
import type { VoiceManagerPort } from '../voice-port.ts';

/** Everything a command handler may touch. */
export interface CommandContext {
  logger: Logger;
  store: Store;
  registry: PersonaRegistry;
  voice: VoiceManagerPort;
  usage: UsageTracker;
  /** Parses a character card (the bot parses off the main thread: see personas/card-parser.ts). */
  importCard(bytes: Uint8Array, fileName: string): Persona | Promise<Persona>;
  /** Max accepted character-card size in bytes. */
  maxCardBytes: number;
  /** Downloads an attachment under the card-source policy (personas/card-download.ts). */
  downloadCard(url: string, maxBytes: number): Promise<Uint8Array>;
}

/** An expected failure whose message is shown to the user as-is (ephemeral): what went wrong + how to fix. */
export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserError';
  }
}
