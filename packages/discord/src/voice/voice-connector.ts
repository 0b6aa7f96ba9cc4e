// Getting into a voice channel: the op 4 answered by Discord (it may wait in the shard's send
// queue first), the voice connection Ready, and, in an end-to-end encrypted call, the bot in the
// call's MLS group, since anything sent before that would go out in the clear.
import { entersState, joinVoiceChannel, type VoiceConnection, VoiceConnectionStatus } from '@discordjs/voice';
import type { VoiceBasedChannel } from 'discord.js';
import { protectConnection } from './connection-guard.ts';
import { waitForE2ee } from './e2ee.ts';
import { VoiceJoinError } from './types.ts';

const READY_TIMEOUT_MS = 20_000;
/** How long the MLS group may take to form after Ready before the join is abandoned. */
const E2EE_TIMEOUT_MS = 15_000;
/**
 * Discord allows a shard 120 gateway commands a minute (@discordjs/ws holds back anything past
 * 115 until the minute is over: https://discord.com/developers/docs/events/gateway#rate-limiting).
 * A burst of joins (many /join at once, a restart rejoining every channel) leaves an op 4 queued
 * in the bot for up to a minute before Discord even sees it, so the wait for Discord's answer
 * grows by a window for every this-many joins waiting on the same shard.
 */
const JOINS_PER_WINDOW = 100;
const SEND_WINDOW_MS = 62_000;
/** Still waiting for Discord after this long: the caller is told it may take a minute. */
const QUEUED_NOTICE_MS = 3000;

export class VoiceConnector {
  /** Joins whose op 4 Discord has not answered yet, per shard. */
  readonly #signalling = new Map<number, number>();

  /** A Ready connection that may speak, or a VoiceJoinError saying why not (nothing left behind). */
  async connect(channel: VoiceBasedChannel, onQueued?: () => void): Promise<VoiceConnection> {
    const connection = joinVoiceChannel({
      channelId: channel.id,
      guildId: channel.guild.id,
      adapterCreator: channel.guild.voiceAdapterCreator,
      selfDeaf: false,
      selfMute: false,
    });
    // Before any datagram arrives: a runt on the voice UDP port would otherwise crash the process.
    protectConnection(connection);
    try {
      await this.#untilReady(connection, channel.guild.shardId, onQueued);
    } catch {
      connection.destroy();
      throw new VoiceJoinError(
        `I could not connect to ${channel.name} within ${READY_TIMEOUT_MS / 1000} s. Discord voice may be having trouble; try /join again.`,
      );
    }
    // Nothing may be sent before the call's E2EE group exists: it would go out in the clear. Alone
    // in the channel there is no group to wait for (Discord forms it when someone joins); the
    // session then holds its audio, greeting included, until it exists.
    const company = channel.members.some((m) => !m.user.bot && m.id !== channel.client.user?.id);
    if (company && !(await waitForE2ee(connection, E2EE_TIMEOUT_MS))) {
      connection.destroy();
      throw new VoiceJoinError(
        `I connected to ${channel.name}, but its end-to-end encryption could not be set up within ${E2EE_TIMEOUT_MS / 1000} s, so I left rather than talk unencrypted. Try /join again.`,
      );
    }
    return connection;
  }

  /** Discord answers the op 4 (it may sit in the shard's send queue first), then voice connects. */
  async #untilReady(connection: VoiceConnection, shardId: number, onQueued?: () => void): Promise<void> {
    const pending = (this.#signalling.get(shardId) ?? 0) + 1;
    this.#signalling.set(shardId, pending);
    const notice = setTimeout(() => onQueued?.(), QUEUED_NOTICE_MS);
    try {
      const answerMs = READY_TIMEOUT_MS + Math.ceil(pending / JOINS_PER_WINDOW) * SEND_WINDOW_MS;
      await entersState(connection, VoiceConnectionStatus.Connecting, answerMs);
    } finally {
      clearTimeout(notice);
      this.#signalling.set(shardId, (this.#signalling.get(shardId) ?? 1) - 1);
    }
    await entersState(connection, VoiceConnectionStatus.Ready, READY_TIMEOUT_MS);
  }
}
