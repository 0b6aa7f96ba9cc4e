// Recovery from receive decryption that keeps failing: feeds {@link ReceiveHealth} from what the
// connection sees (DAVE decrypts the library swallows, receive streams it breaks on transport
// authentication failures, frames the receive gate drops) and carries out what it decides: a fresh
// join, leave then join, which gets a new voice session, transport key and MLS group; or, past the
// bound, ending the session with a reason. A moderator's move that leaves the voice transport in
// the old channel gets a fresh join too (see `moved`).
import { type VoiceConnection, VoiceConnectionStatus } from '@discordjs/voice';
import type { Clock } from '@troupe/realtime-core';
import type { SessionEndReason } from '../voice-port.ts';
import { type DaveSessionLike, e2eeStatus, isSilenceFrame, transportChannelId } from './e2ee.ts';
import {
  type FailureKind,
  type HealthAction,
  ReceiveHealth,
  type ReceiveHealthOptions,
} from './receive-health.ts';

/** Shown in the channel when the bot gives up (bot.ts wraps it as "The voice session ended (…)"). */
export const E2EE_MESSAGES = {
  gaveUp:
    'I could not decrypt what anyone in this channel said, even after joining again with new encryption keys, so I left; use /join to bring me back, and if it keeps happening tell whoever runs the bot',
  rejoinTimedOut:
    'I left and rejoined the voice channel to renew its encryption keys, but could not get back in; use /join to bring me back',
} as const;

/** Transport AEAD failures read "Unsupported state or unable to authenticate data" in Node. */
const TRANSPORT_FAILURE = /unable to authenticate data|failed to parse packet/i;
const E2EE_FAILURE = /decrypt/i;

/**
 * After a move, how long the new channel's voice server may take to arrive (Discord sends it right
 * after the voice state when it sends one) before the old channel's transport counts as kept.
 */
export const MOVE_TRANSPORT_GRACE_MS = 1500;

export interface E2eeRecoveryOptions {
  health?: Partial<ReceiveHealthOptions> | undefined;
  /** How long a fresh join may take to reach Ready (default 20 s). */
  rejoinTimeoutMs?: number | undefined;
  /** Time and timers. */
  clock: Clock;
  logger?: { warn(obj: object, msg: string): void } | undefined;
}

export interface E2eeRecovery {
  /** A received frame reached the decoder. */
  delivered(): void;
  /** A receive stream broke; true when it was a decryption failure (counted). */
  streamError(err: Error): boolean;
  /** The receive gate dropped a frame that was still encrypted. */
  undecryptable(): void;
  /**
   * A moderator moved the bot to `channelId`. An end-to-end encrypted call's MLS group is the
   * channel's (its group id is the channel id), and @discordjs/voice binds a voice transport's
   * DAVE session to the channel it was made for: if no new voice server has replaced the old
   * channel's transport after {@link MOVE_TRANSPORT_GRACE_MS}, nothing could be encrypted for the
   * new channel's members nor decrypted from them, so the bot leaves and joins the new channel
   * afresh (as disgo does since its PR #603 "keep audio alive across channel moves").
   */
  moved(channelId: string): void;
  /** A fresh join is under way: the bot's voice state is gone for a moment, on purpose. */
  readonly rejoining: boolean;
  readonly health: ReceiveHealth;
}

export function recoverE2ee(
  connection: VoiceConnection,
  options: E2eeRecoveryOptions,
  end: (reason: SessionEndReason, message?: string) => void,
): E2eeRecovery {
  const health = new ReceiveHealth(options.health);
  const { clock } = options;
  let rejoinTimer: unknown;
  let moveCheck: unknown;

  const act = (action: HealthAction | undefined) => {
    if (!action) return;
    const { failures, failingMs, kinds } = action;
    const why = { failures, failingMs: Math.round(failingMs), kinds };
    if (action.type === 'give-up') {
      options.logger?.warn(
        { ...why, freshJoins: action.freshJoins },
        'receive decryption still failing after fresh joins; ending the session',
      );
      end('error', E2EE_MESSAGES.gaveUp);
      return;
    }
    options.logger?.warn(
      { ...why, attempt: action.attempt },
      'nothing could be decrypted for a while: leaving and joining again for new keys (a rejoin of the same session may keep the old ones)',
    );
    // Not inside the caller's stack: this may run from the library's own receive path.
    clock.setTimeout(() => freshJoin(), 0);
  };

  const freshJoin = () => {
    const channelId = connection.joinConfig.channelId;
    if (!channelId || connection.state.status === VoiceConnectionStatus.Destroyed) return;
    connection.disconnect();
    connection.rejoin({ channelId, selfDeaf: false, selfMute: false });
    rejoinTimer = clock.setTimeout(() => {
      if (health.status === 'rejoining') end('error', E2EE_MESSAGES.rejoinTimedOut);
    }, options.rejoinTimeoutMs ?? 20_000);
  };

  const failed = (kind: FailureKind) => act(health.failed(kind, clock.now()));

  const checkMove = (channelId: string) => {
    moveCheck = undefined;
    const kept = transportChannelId(connection);
    // No transport (a 4014 close waiting for its voice server) or the new channel's already: fine.
    if (connection.state.status !== VoiceConnectionStatus.Ready || kept === undefined || kept === channelId)
      return;
    if (!e2eeStatus(connection).negotiated || !health.rejoinRequested()) return;
    options.logger?.warn(
      { from: kept, to: channelId },
      "moved, but the voice transport still belongs to the old channel's end-to-end encrypted call: joining the new channel afresh",
    );
    freshJoin();
  };

  connection.on('stateChange', (_old, next) => {
    if (next.status === VoiceConnectionStatus.Ready && health.status === 'rejoining') {
      clock.clearTimeout(rejoinTimer);
      health.rejoined();
    }
    if (next.status === VoiceConnectionStatus.Destroyed) {
      clock.clearTimeout(rejoinTimer);
      clock.clearTimeout(moveCheck);
    }
    watchNetworking(next, failed);
  });
  watchNetworking(connection.state, failed);

  return {
    health,
    moved(channelId) {
      clock.clearTimeout(moveCheck);
      moveCheck = clock.setTimeout(() => checkMove(channelId), MOVE_TRANSPORT_GRACE_MS);
    },
    get rejoining() {
      return health.status === 'rejoining';
    },
    delivered: () => health.delivered(clock.now()),
    streamError(err) {
      if (TRANSPORT_FAILURE.test(err.message)) failed('transport');
      else if (E2EE_FAILURE.test(err.message)) failed('e2ee');
      else return false;
      return true;
    },
    undecryptable: () => failed('e2ee'),
  };
}

interface NetworkingLike extends NodeJS.EventEmitter {
  state: { dave?: DaveSessionLike };
}

const watchedNetworking = new WeakSet<object>();
const watchedDave = new WeakSet<object>();

/**
 * The library drops a frame DAVE cannot decrypt without telling anyone (decrypt() returns null):
 * wraps each networking's DAVE session so those failures are counted too.
 */
function watchNetworking(state: object, failed: (kind: FailureKind) => void): void {
  const networking = (state as { networking?: NetworkingLike }).networking;
  if (!networking || watchedNetworking.has(networking)) return;
  watchedNetworking.add(networking);
  const wrap = () => {
    const dave = networking.state.dave;
    if (!dave || watchedDave.has(dave) || typeof dave.decrypt !== 'function') return;
    watchedDave.add(dave);
    const decrypt = dave.decrypt.bind(dave);
    dave.decrypt = (packet, userId) => {
      const out = decrypt(packet, userId);
      if (out === null && !isSilenceFrame(packet)) failed('e2ee');
      return out;
    };
  };
  wrap();
  networking.on('stateChange', wrap);
}
