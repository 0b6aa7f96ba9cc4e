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

/** Shared state the REST routes read and write. */
export interface RestContext {
  world: World;
  applicationId: string;
  token: string;
  commands: CommandStore;
  nextId(): string;
  gatewayUrl(): string;
  interactions: Map<string, { handle: InteractionHandle; channelId: string }>;
  messages: SimMessage[];
  webhooks: Map<string, SimWebhook>;
  dispatch(t: string, d: unknown): void;
}
