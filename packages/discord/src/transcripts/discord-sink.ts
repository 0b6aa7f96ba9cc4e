import type { Client, Webhook } from 'discord.js';
import type { Logger } from 'pino';
import type { TranscriptMessage, TranscriptSink } from './transcript-poster.ts';
import { webhookUsername } from './webhook-name.ts';

const WEBHOOK_NAME = 'Troupe transcripts';
/** Discord error codes (https://discord.com/developers/docs/topics/opcodes-and-status-codes#json). */
const UNKNOWN_WEBHOOK = 10015;
const INVALID_FORM_BODY = 50035;

/**
 * Posts through a channel webhook (one per channel, created once and reused) so each line shows the
 * persona's or speaker's name and avatar, made valid for Discord (see webhook-name.ts). A webhook
 * that was deleted is replaced once; without Manage Webhooks, or if that fails too, lines go out
 * as normal messages (and a hint is logged once per channel).
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
    const username = webhookUsername(m.username);
    // Twice at most: a webhook someone deleted is replaced once, then the line goes out plain.
    for (let attempt = 0; attempt < 2; attempt++) {
      const pending = this.#webhook(guildId, channelId);
      const hook = await pending;
      if (!hook) break;
      try {
        await hook.send({
          content: m.content,
          username,
          ...(m.avatarUrl ? { avatarURL: m.avatarUrl } : {}),
          allowedMentions: { parse: [] },
        });
        return;
      } catch (err) {
        const code = (err as { code?: unknown }).code;
        if (code === UNKNOWN_WEBHOOK) {
          if (this.#hooks.get(channelId) === pending) this.#hooks.delete(channelId);
          this.#logger.warn(
            { guildId, channelId },
            'transcript webhook is gone (deleted?); making a new one',
          );
          continue;
        }
        // Refused for its name or avatar (rules Discord may add): the line still goes out, plain.
        if (code !== INVALID_FORM_BODY) throw err;
        this.#logger.warn({ guildId, channelId, err }, 'webhook refused a transcript line; posting it plain');
        break;
      }
    }
    const channel = await this.#client.channels.fetch(channelId);
    if (!channel?.isSendable()) throw new Error(`channel ${channelId} cannot receive messages`);
    await channel.send({
      content: `**${username}**: ${m.content}`.slice(0, 2000),
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
