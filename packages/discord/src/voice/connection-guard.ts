// Discord voice connection policy: which closes end a session (and what to tell the channel),
// when to stop rejoining, and when receive decryption has gone bad enough, or a move left the
// voice transport in the old channel, that a fresh join is the cure (e2ee-recovery.ts). The holes
// it patches in @discordjs/voice itself are in discordjs-voice-0.19.2-patches.ts.
import {
  type VoiceConnection,
  VoiceConnectionDisconnectReason,
  VoiceConnectionStatus,
} from '@discordjs/voice';
import { type Clock, monotonicClock } from '@troupe/realtime-core';
import type { SessionEndReason } from '../voice-port.ts';
import { type GuardLogger, protectConnection } from './discordjs-voice-0.19.2-patches.ts';
import { isSilenceFrame } from './e2ee.ts';
import { type E2eeRecoveryOptions, recoverE2ee } from './e2ee-recovery.ts';

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
  rateLimited:
    'Discord rate-limited my voice connection, so I stopped instead of retrying; wait a few minutes before /join',
  callTerminated:
    'Discord ended my voice call (the channel was deleted, I was removed, or its voice server changed); use /join to bring me back',
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
/** "Should not reconnect" per the close code table; 0.19.2 rejoins on them anyway. */
const RATE_LIMITED = 4021;
const CALL_TERMINATED = 4022;

export interface GuardOptions {
  maxRejoinAttempts: number;
  /** When persistent receive decryption failures call for a fresh join (see receive-health.ts). */
  e2ee?: Omit<E2eeRecoveryOptions, 'logger' | 'clock'> | undefined;
  /** Time and the guard's timers (default: the monotonic clock). */
  clock?: Clock;
  logger?: GuardLogger;
}

/** What the session tells the guard, and asks it. */
export interface ConnectionWatch {
  /** A receive stream broke. */
  receiveError(err: Error): void;
  /** A frame reached the decoder (silence frames, sent in the clear, prove nothing). */
  delivered(frame: Uint8Array): void;
  /** The receive gate dropped a frame that was still end-to-end encrypted. */
  undecryptable(): void;
  /** A moderator moved the bot to `channelId` (see e2ee-recovery.ts). */
  moved(channelId: string): void;
  /** A fresh join is under way: the bot's voice state is gone for a moment, on purpose. */
  readonly rejoining: boolean;
}

/**
 * Watches a connection. 4014 (kicked, channel deleted) ends the session unless a new voice server
 * follows within {@link MOVE_GRACE_MS} (moved); 4017 (E2EE required), 4021 (rate limited) and
 * 4022 (call terminated) end it; codes the library resumes or rejoins on (4006, 4015, network
 * drops) are left to it, but a rejoin storm is cut off before attempt `maxRejoinAttempts + 1`
 * goes out, and a rejoin the gateway was down for is retried once it may be back. Persistent
 * receive decryption failures, and a move that kept the old channel's voice transport in an
 * end-to-end encrypted call, lead to a fresh join (e2ee-recovery.ts).
 */
export function guardConnection(
  connection: VoiceConnection,
  options: GuardOptions,
  end: (reason: SessionEndReason, message?: string) => void,
): ConnectionWatch {
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
      const code = shield.lastCloseCode;
      if (code === E2EE_REQUIRED) {
        options.logger?.warn({ closeCode: E2EE_REQUIRED }, 'voice server requires DAVE; ending the session');
        end('error', END_MESSAGES.daveRequired);
      } else if (code === RATE_LIMITED || code === CALL_TERMINATED) {
        options.logger?.warn(
          { closeCode: code },
          'voice close code that must not be reconnected; ending the session',
        );
        if (code === RATE_LIMITED) end('error', END_MESSAGES.rateLimited);
        else end('disconnected', END_MESSAGES.callTerminated);
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
  const recovery = recoverE2ee(connection, { ...options.e2ee, clock, logger: options.logger }, end);
  return {
    receiveError: (err) => {
      recovery.streamError(err);
    },
    delivered: (frame) => {
      if (!isSilenceFrame(frame)) recovery.delivered();
    },
    undecryptable: () => recovery.undecryptable(),
    moved: (channelId) => recovery.moved(channelId),
    get rejoining() {
      return recovery.rejoining;
    },
  };
}
