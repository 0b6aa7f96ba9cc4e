import type { Client, Webhook } from 'discord.js';
import type { Logger } from 'pino';
import type { TranscriptMessage, TranscriptSink } from './transcript-poster.ts';

const WEBHOOK_NAME = 'Troupe transcripts';

/**
 * Posts through a channel webhook (one per channel, created once and reused) so each line shows the
 * persona's or speaker's name and avatar. Without Manage Webhooks it falls back to normal messages
 * and logs a hint once per channel.
 */
export class DiscordTranscriptSink implements TranscriptSink {
  readonly #client: Client;
  readonly #logger: Logger;
  readonly #hooks = new Map<string, Promise<Webhook | null>>();

  constructor(client: Client, logger: Logger) {
    this.#client = client;
    this.#logger = logger;
  }

  async send(guildId: string, channelId: string, m: TranscriptMessage): Promise<void> {
    const hook = await this.#webhook(guildId, channelId);
    if (hook) {
      await hook.send({
        content: m.content,
        username: m.username,
        ...(m.avatarUrl ? { avatarURL: m.avatarUrl } : {}),
        allowedMentions: { parse: [] },
      });
      return;
    }
    const channel = await this.#client.channels.fetch(channelId);
    if (!channel?.isSendable()) throw new Error(`channel ${channelId} cannot receive messages`);
    await channel.send({
      content: `**${m.username}**: ${m.content}`.slice(0, 2000),
      allowedMentions: { parse: [] },
    });
  }

  #webhook(guildId: string, channelId: string): Promise<Webhook | null> {
    let p = this.#hooks.get(channelId);
    if (!p) {
      p = this.#findOrCreate(channelId).catch((err: unknown) => {
        this.#logger.warn(
          { err, guildId, channelId },
          'cannot use a webhook for transcripts; posting plain messages instead. Grant the bot "Manage Webhooks" in that channel to show persona names and avatars.',
        );
        return null;
      });
      this.#hooks.set(channelId, p);
    }
    return p;
  }

  async #findOrCreate(channelId: string): Promise<Webhook> {
    const channel = await this.#client.channels.fetch(channelId);
    if (!channel || !('fetchWebhooks' in channel) || !('createWebhook' in channel)) {
      throw new Error(`channel ${channelId} does not support webhooks`);
    }
    const hooks = await channel.fetchWebhooks();
    const mine = hooks.find(
      (h) => h.owner?.id === this.#client.user?.id && h.name === WEBHOOK_NAME && h.token,
    );
    return mine ?? (await channel.createWebhook({ name: WEBHOOK_NAME, reason: 'Troupe voice transcripts' }));
  }
}
