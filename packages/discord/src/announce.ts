// Public messages in a channel's chat, in the server's preferred language (Guild#preferredLocale:
// the Community "primary language", en-US when unset). Mentions never ping.
import type { Client } from 'discord.js';
import type { Logger } from 'pino';
import type { Announce } from './commands/context.ts';
import { clip } from './commands/reply.ts';
import type { MessageKey, Params } from './i18n/translate.ts';
import { translator } from './i18n/translate.ts';
import { END_MESSAGES } from './voice/connection-guard.ts';
import { E2EE_MESSAGES } from './voice/e2ee-recovery.ts';
import { type ModelFailureKind, modelFailureForUsers } from './voice/model-failure.ts';
import type { VoiceEvents } from './voice-port.ts';

export function createAnnouncer(client: Client, logger: Logger): Announce {
  return async (guildId, channelId, render) => {
    const channel = await client.channels.fetch(channelId);
    if (!channel?.isSendable()) throw new Error(`channel ${channelId} cannot take messages`);
    const guild = 'guild' in channel && channel.guild ? channel.guild : client.guilds.cache.get(guildId);
    const t = translator(guild?.preferredLocale);
    const message = await channel.send({ content: clip(render(t)), allowedMentions: { parse: [] } });
    return {
      retract: () =>
        message.delete().then(
          () => undefined,
          (err: unknown) => logger.warn({ err, guildId, channelId }, 'could not delete a public notice'),
        ),
    };
  };
}

/**
 * Why a session ended, in words for everyone in the channel. The voice layer's own explanations
 * (END_MESSAGES) map to their translations; anything else (a model error such as a rejected API
 * key) becomes a plain "the voice model failed": operator advice never goes public.
 */
export function publicEndReason(e: VoiceEvents['sessionEnded'][0]): { key: MessageKey; params?: Params } {
  const m = e.message;
  if (m === END_MESSAGES.kicked) return { key: 'ended.kicked' };
  if (m === END_MESSAGES.daveRequired) return { key: 'ended.daveRequired' };
  if (m === END_MESSAGES.gatewayLost) return { key: 'ended.gatewayLost' };
  if (m === END_MESSAGES.leaseLost) return { key: 'ended.leaseLost' };
  if (m === END_MESSAGES.rateLimited) return { key: 'ended.rateLimited' };
  if (m === END_MESSAGES.callTerminated) return { key: 'ended.callTerminated' };
  if (m === E2EE_MESSAGES.gaveUp) return { key: 'ended.e2eeGaveUp' };
  if (m === E2EE_MESSAGES.rejoinTimedOut) return { key: 'ended.e2eeRejoinFailed' };
  const model = modelFailureOf(m);
  if (model) return { key: `model.${model}` };
  const storm = m ? /refused the voice connection (\d+) times/.exec(m) : null;
  if (storm) return { key: 'ended.storm', params: { count: Number(storm[1]) } };
  if (e.reason === 'disconnected') return { key: 'ended.disconnected' };
  return { key: 'ended.modelError' };
}

const MODEL_FAILURES: readonly ModelFailureKind[] = [
  'credentials',
  'quota',
  'rate',
  'unavailable',
  'unreachable',
  'other',
];

/** Which of the voice layer's plain model-failure sentences `text` is (it words them in English only). */
export function modelFailureOf(text: string | undefined): ModelFailureKind | undefined {
  return text === undefined ? undefined : MODEL_FAILURES.find((k) => modelFailureForUsers(k) === text);
}
