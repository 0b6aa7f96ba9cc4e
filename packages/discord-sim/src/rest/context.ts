import type { CommandStore } from '../interactions/command-store.ts';
import type { InteractionHandle } from '../interactions/interaction-handle.ts';
import type { World } from '../model/world.ts';

/** A message the bot posted (channel message, webhook execution or interaction message). */
export interface SimMessage {
  id: string;
  channelId: string;
  via: 'channel' | 'webhook' | 'interaction';
  webhookId?: string | undefined;
  content: string | undefined;
  body: Record<string, unknown>;
  /** Set when the bot deleted it (DELETE /channels/:channel/messages/:message). */
  deleted?: boolean;
}

export interface SimWebhook {
  id: string;
  token: string;
  channelId: string;
  guildId: string;
  name: string;
}

/** A file the sim hosts for attachment options (see `DiscordSim.attachment`). */
export interface SimHostedFile {
  filename: string;
  bytes: Uint8Array;
  contentType: string;
}

/** An interaction token the sim issued: the handle, where it was used and when (sim clock). */
export interface IssuedInteraction {
  handle: InteractionHandle;
  channelId: string;
  issuedAt: number;
}

/** Shared state the REST routes read and write. */
export interface RestContext {
  world: World;
  applicationId: string;
  token: string;
  commands: CommandStore;
  nextId(): string;
  gatewayUrl(): string;
  /** The shard count `GET /gateway/bot` recommends. */
  recommendedShards: number;
  /** `session_start_limit.max_concurrency`. */
  maxConcurrency: number;
  interactions: Map<string, IssuedInteraction>;
  /** The sim's clock (ms): performance.now() plus any `DiscordSim.advanceClock` offset. */
  now(): number;
  /** Files served at `/attachments/:id/:filename` (outside /api, like Discord's CDN). */
  files: Map<string, SimHostedFile>;
  messages: SimMessage[];
  webhooks: Map<string, SimWebhook>;
  /** Every webhook token handed out, deleted webhooks' included (for the secret scan). */
  issuedWebhookTokens: string[];
  dispatch(t: string, d: unknown): void;
  /** Whether the bot's current gateway session identified with this intent bit. */
  hasIntent(bit: number): boolean;
}
