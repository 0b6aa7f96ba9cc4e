// Discord voice connection policy: which closes end a session (and what to tell the channel),
// when to stop rejoining, and when receive decryption has gone bad enough that a rejoin is the
// cure. The holes it patches in @discordjs/voice itself are in discordjs-voice-0.19.2-patches.ts.
import {
  type VoiceConnection,
  VoiceConnectionDisconnectReason,
  VoiceConnectionStatus,
} from '@discordjs/voice';
import { type Clock, monotonicClock } from '@troupe/realtime-core';
import type { SessionEndReason } from '../voice-port.ts';
import { type GuardLogger, protectConnection } from './discordjs-voice-0.19.2-patches.ts';

export {
  type ConnectionShield,
  type GuardLogger,
  protectConnection,
} from './discordjs-voice-0.19.2-patches.ts';

/** Shown in the channel (bot.ts wraps it as "The voice session ended (…). Use /join …"). */
export const END_MESSAGES = {
  kicked: 'I was disconnected from the voice channel: moved, kicked, or the channel was deleted',
  daveRequired:
    'Discord requires end-to-end encrypted voice in this channel and my connection could not set up DAVE encryption, so I stopped instead of retrying; if it keeps happening, ask whoever runs the bot to update its voice library',
  storm: (n: number) =>
    `Discord refused the voice connection ${n} times in a row, so I stopped retrying; wait a minute before trying again`,
  gatewayLost:
    'I lost my connection to Discord and could not get back into the voice channel within a minute',
  leaseLost:
    'this bot instance lost its claim on the voice session (another instance of the bot took the server over, or the bot could not reach its database)',
} as const;

/**
 * Waits before asking to rejoin when the gateway was down as the voice socket closed (the
 * library's own rejoin could not be sent, and it never retries): about a minute in all.
 */
export const GATEWAY_RETRY_MS: readonly number[] = [1000, 2000, 4000, 8000, 15_000, 15_000, 15_000];

/**
 * After a 4014 close, how long a new voice server may take to arrive before it counts as a kick:
 * a moderator moving the bot can produce a 4014 too, followed by VOICE_SERVER_UPDATE for the new
 * channel (the pattern the discord.js voice guide recommends waits 5 s).
 */
export const MOVE_GRACE_MS = 5000;

/** Discord voice close codes the guard acts on (discord.com/developers/docs/topics/opcodes-and-status-codes). */
const DISCONNECTED = 4014;
const E2EE_REQUIRED = 4017;

export interface GuardOptions {
  maxRejoinAttempts: number;
  /** Receive errors mentioning decryption within `decryptWindowMs` that trigger one rejoin. */
  decryptFailuresBeforeRejoin?: number;
  decryptWindowMs?: number;
  /** Time and the gateway retry timer (default: the monotonic clock). */
  clock?: Clock;
  logger?: GuardLogger;
}

/**
 * Watches a connection. 4014 (kicked, channel deleted) ends the session unless a new voice server
 * follows within {@link MOVE_GRACE_MS} (moved); 4017 (E2EE required) ends it; codes the library resumes or rejoins on (4006, 4015, 4022, network drops) are left to
 * it, but a rejoin storm is cut off before attempt `maxRejoinAttempts + 1` goes out, and a
 * rejoin the gateway was down for is retried once it may be back.
 * Returns a reporter for receive-stream errors.
 */
export function guardConnection(
  connection: VoiceConnection,
  options: GuardOptions,
  end: (reason: SessionEndReason, message?: string) => void,
): { receiveError(err: Error): void } {
  const shield = protectConnection(connection);
  if (options.logger) shield.logger = options.logger;
  const clock = options.clock ?? monotonicClock;
  let gatewayRetries = 0;
  let retryTimer: unknown;
  let moveWait: unknown;
  const rejoinWhenGatewayIsBack = () => {
    if (retryTimer !== undefined) return;
    const delay = GATEWAY_RETRY_MS[gatewayRetries++];
    if (delay === undefined) return end('error', END_MESSAGES.gatewayLost);
    retryTimer = clock.setTimeout(() => {
      retryTimer = undefined;
      if (connection.state.status !== VoiceConnectionStatus.Disconnected) return;
      const attempts = connection.rejoinAttempts;
      // Unsent, it was no refusal by Discord: keep it out of the storm count.
      if (!connection.rejoin()) connection.rejoinAttempts = attempts;
    }, delay);
  };
  connection.on('stateChange', (_old, next) => {
    if (next.status !== VoiceConnectionStatus.Disconnected) {
      // A new voice server arrived (a move, not a kick): the library is connecting again.
      clock.clearTimeout(moveWait);
      moveWait = undefined;
    }
    if (next.status === VoiceConnectionStatus.Disconnected) {
      if (next.reason === VoiceConnectionDisconnectReason.WebSocketClose && next.closeCode === DISCONNECTED) {
        // A kick also takes the bot's voice state away, which ends the session at once (see
        // ChannelManager); this is the backstop when that never comes.
        moveWait ??= clock.setTimeout(() => {
          moveWait = undefined;
          if (connection.state.status === VoiceConnectionStatus.Disconnected)
            end('disconnected', END_MESSAGES.kicked);
        }, MOVE_GRACE_MS);
      } else if (next.reason === VoiceConnectionDisconnectReason.AdapterUnavailable)
        rejoinWhenGatewayIsBack();
    } else if (next.status === VoiceConnectionStatus.Ready) {
      gatewayRetries = 0;
    } else if (next.status === VoiceConnectionStatus.Signalling) {
      // The library rejoins on any other close; the code tells whether that can ever work.
      if (shield.lastCloseCode === E2EE_REQUIRED) {
        options.logger?.warn({ closeCode: E2EE_REQUIRED }, 'voice server requires DAVE; ending the session');
        end('error', END_MESSAGES.daveRequired);
      } else if (connection.rejoinAttempts >= options.maxRejoinAttempts) {
        // rejoinAttempts counts the attempts already made; this Signalling is about to make one more.
        options.logger?.warn(
          { attempts: connection.rejoinAttempts, closeCode: shield.lastCloseCode },
          'voice rejoin storm; ending the session',
        );
        end('error', END_MESSAGES.storm(connection.rejoinAttempts));
      }
    } else if (next.status === VoiceConnectionStatus.Destroyed) {
      clock.clearTimeout(retryTimer);
      clock.clearTimeout(moveWait);
      retryTimer = undefined;
      moveWait = undefined;
      end('disconnected');
    }
  });
  const limit = options.decryptFailuresBeforeRejoin ?? 3;
  const windowMs = options.decryptWindowMs ?? 30_000;
  let failures: number[] = [];
  let rejoined = false;
  return {
    receiveError(err: Error) {
      if (!/decrypt/i.test(err.message)) return;
      const t = clock.now();
      failures = [...failures.filter((f) => t - f < windowMs), t];
      // DAVE sessions can get stuck after a missed transition; a fresh join re-keys them (OpenClaw's Discord voice does the same).
      if (failures.length >= limit && !rejoined && connection.state.status === VoiceConnectionStatus.Ready) {
        rejoined = true;
        failures = [];
        connection.rejoin();
      }
    },
  };
}
