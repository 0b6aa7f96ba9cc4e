// Discord voice connection policy: which closes end a session, when to stop rejoining, and
// when receive decryption has gone bad enough that a rejoin is the cure.
import {
  type VoiceConnection,
  VoiceConnectionDisconnectReason,
  VoiceConnectionStatus,
} from '@discordjs/voice';
import type { SessionEndReason } from '../voice-port.ts';

export interface GuardOptions {
  maxRejoinAttempts: number;
  /** Receive errors mentioning decryption within `decryptWindowMs` that trigger one rejoin. */
  decryptFailuresBeforeRejoin?: number;
  decryptWindowMs?: number;
  now?: () => number;
}

/**
 * Watches a connection. 4014 (kicked, moved, channel deleted) ends the session; codes the
 * library resumes or rejoins on (4006, 4015, network drops) are left to it, but a rejoin storm
 * (e.g. 4017 "DAVE required" on every identify) is cut off after `maxRejoinAttempts`.
 * Returns a reporter for receive-stream errors.
 */
export function guardConnection(
  connection: VoiceConnection,
  options: GuardOptions,
  end: (reason: SessionEndReason, message?: string) => void,
): { receiveError(err: Error): void } {
  connection.on('stateChange', (_old, next) => {
    if (next.status === VoiceConnectionStatus.Disconnected) {
      if (next.reason === VoiceConnectionDisconnectReason.WebSocketClose && next.closeCode === 4014) {
        end(
          'disconnected',
          'I was disconnected from the voice channel (moved, kicked or the channel was deleted).',
        );
      }
    } else if (
      next.status === VoiceConnectionStatus.Signalling &&
      connection.rejoinAttempts > options.maxRejoinAttempts
    ) {
      end(
        'error',
        `Discord refused the voice connection ${connection.rejoinAttempts} times in a row; I stopped retrying. Try /join again later.`,
      );
    } else if (next.status === VoiceConnectionStatus.Destroyed) {
      end('disconnected');
    }
  });
  const now = options.now ?? (() => performance.now());
  const limit = options.decryptFailuresBeforeRejoin ?? 3;
  const windowMs = options.decryptWindowMs ?? 30_000;
  let failures: number[] = [];
  let rejoined = false;
  return {
    receiveError(err: Error) {
      if (!/decrypt/i.test(err.message)) return;
      const t = now();
      failures = [...failures.filter((f) => t - f < windowMs), t];
      // DAVE sessions can get stuck after a missed transition; a fresh join re-keys them (peers.md).
      if (failures.length >= limit && !rejoined && connection.state.status === VoiceConnectionStatus.Ready) {
        rejoined = true;
        failures = [];
        connection.rejoin();
      }
    },
  };
}

/**
 * @discordjs/voice 0.19.2 keeps one packet prepared ahead and sends it as the first packet of
 * the next resource; after a barge-in that is 20 ms of the interrupted reply. Private field,
 * version pinned exactly; guarded so a layout change only skips this.
 */
export function dropPreparedPacket(connection: VoiceConnection): void {
  const state = connection.state as { networking?: { state?: { preparedPacket?: unknown } } };
  if (state.networking?.state && 'preparedPacket' in state.networking.state)
    state.networking.state.preparedPacket = undefined;
}
