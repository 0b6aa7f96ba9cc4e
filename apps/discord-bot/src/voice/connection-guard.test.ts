import { EventEmitter } from 'node:events';
import {
  type VoiceConnection,
  VoiceConnectionDisconnectReason,
  VoiceConnectionStatus,
} from '@discordjs/voice';
import { describe, expect, it } from 'vitest';
import { guardConnection } from './connection-guard.ts';

/** Just the slice of VoiceConnection the guard reads: state, rejoinAttempts, rejoin(), stateChange. */
function fakeConnection() {
  const c = Object.assign(new EventEmitter(), {
    state: { status: VoiceConnectionStatus.Ready } as { status: VoiceConnectionStatus },
    rejoinAttempts: 0,
    rejoins: 0,
    rejoin() {
      c.rejoins++;
      return true;
    },
  });
  const set = (next: Record<string, unknown>) => {
    const old = c.state;
    c.state = next as { status: VoiceConnectionStatus };
    c.emit('stateChange', old, next);
  };
  return { c, set, conn: c as unknown as VoiceConnection };
}

describe('guardConnection', () => {
  it('ends the session on 4014 and lets the library handle other closes', () => {
    const { set, conn } = fakeConnection();
    const ended: string[] = [];
    guardConnection(conn, { maxRejoinAttempts: 5 }, (r) => ended.push(r));
    set({
      status: VoiceConnectionStatus.Disconnected,
      reason: VoiceConnectionDisconnectReason.WebSocketClose,
      closeCode: 4006,
    });
    set({
      status: VoiceConnectionStatus.Disconnected,
      reason: VoiceConnectionDisconnectReason.WebSocketClose,
      closeCode: 4015,
    });
    expect(ended).toEqual([]);
    set({
      status: VoiceConnectionStatus.Disconnected,
      reason: VoiceConnectionDisconnectReason.WebSocketClose,
      closeCode: 4014,
    });
    expect(ended).toEqual(['disconnected']);
  });

  it('stops a rejoin storm after the allowed attempts', () => {
    const { c, set, conn } = fakeConnection();
    const ended: [string, string | undefined][] = [];
    guardConnection(conn, { maxRejoinAttempts: 5 }, (r, m) => ended.push([r, m]));
    for (let i = 1; i <= 5; i++) {
      c.rejoinAttempts = i;
      set({ status: VoiceConnectionStatus.Signalling });
    }
    expect(ended).toHaveLength(0);
    c.rejoinAttempts = 6;
    set({ status: VoiceConnectionStatus.Signalling });
    expect(ended[0]?.[0]).toBe('error');
    expect(ended[0]?.[1]).toMatch(/refused the voice connection 6 times/);
  });

  it('rejoins once after repeated decryption failures within the window', () => {
    const { c, conn } = fakeConnection();
    let t = 0;
    const guard = guardConnection(conn, { maxRejoinAttempts: 5, now: () => t }, () => {});
    guard.receiveError(new Error('Failed to decrypt: DecryptionFailed(UnencryptedWhenPassthroughDisabled)'));
    t = 40_000; // outside the window: the first one no longer counts
    guard.receiveError(new Error('DecryptionFailed'));
    guard.receiveError(new Error('stream premature close'));
    expect(c.rejoins).toBe(0);
    guard.receiveError(new Error('DecryptionFailed'));
    guard.receiveError(new Error('DecryptionFailed'));
    expect(c.rejoins).toBe(1);
    for (let i = 0; i < 5; i++) guard.receiveError(new Error('DecryptionFailed'));
    expect(c.rejoins).toBe(1);
  });
});
