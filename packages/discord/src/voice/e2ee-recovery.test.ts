import { EventEmitter } from 'node:events';
import { type VoiceConnection, VoiceConnectionStatus } from '@discordjs/voice';
import { ManualClock } from '@troupe/realtime-core/testing';
import { describe, expect, it } from 'vitest';
import { guardConnection } from './connection-guard.ts';
import { E2EE_MESSAGES, MOVE_TRANSPORT_GRACE_MS } from './e2ee-recovery.ts';

/** The slice of VoiceConnection the guard and the recovery read, with a networking made for `ch1`. */
function fakeConnection(opts: { protocolVersion?: number } = {}) {
  const calls: string[] = [];
  const networking = (channelId: string) =>
    Object.assign(new EventEmitter(), {
      state: {
        code: 4,
        connectionOptions: { channelId },
        dave: { protocolVersion: opts.protocolVersion ?? 1, session: { ready: true }, decrypt: () => null },
      },
    });
  const c = Object.assign(new EventEmitter(), {
    state: { status: VoiceConnectionStatus.Ready, networking: networking('ch1') } as Record<string, unknown>,
    receiver: { onUdpMessage: (_msg: Buffer) => {}, ssrcMap: new Map<number, unknown>() },
    joinConfig: { channelId: 'ch1' as string | null },
    rejoinAttempts: 0,
    disconnect: () => calls.push('disconnect'),
    rejoin: (cfg: { channelId: string }) => calls.push(`rejoin ${cfg.channelId}`),
  });
  const set = (next: Record<string, unknown>) => {
    const old = c.state;
    c.state = next;
    c.emit('stateChange', old, next);
  };
  return { c, set, calls, networking, conn: c as unknown as VoiceConnection };
}

describe('fresh joins for end-to-end encryption', () => {
  it('counts only decryption failures: a stream that breaks for another reason never causes a fresh join', () => {
    const { calls, conn } = fakeConnection();
    const clock = new ManualClock();
    const guard = guardConnection(
      conn,
      { maxRejoinAttempts: 5, clock, e2ee: { health: { minFailures: 10, minFailingMs: 1000 } } },
      () => {},
    );
    for (let i = 0; i < 20; i++, clock.advance(100)) guard.receiveError(new Error('stream premature close'));
    expect(calls).toEqual([]);
    for (let i = 0; i < 20; i++, clock.advance(100))
      guard.receiveError(new Error('Unsupported state or unable to authenticate data'));
    expect(calls).toEqual(['disconnect', 'rejoin ch1']);
  });

  it('leaves and joins again when nothing decrypts for long enough, then gives up, bounded', () => {
    const { set, calls, conn } = fakeConnection();
    const clock = new ManualClock();
    const ended: [string, string | undefined][] = [];
    const guard = guardConnection(
      conn,
      {
        maxRejoinAttempts: 5,
        clock,
        e2ee: { health: { minFailures: 10, minFailingMs: 1000, maxFreshJoins: 1 } },
      },
      (r, m) => ended.push([r, m]),
    );
    // Failures with a delivered frame among them are not persistent.
    for (let i = 0; i < 14; i++, clock.advance(100)) {
      guard.receiveError(new Error('Unsupported state or unable to authenticate data'));
      if (i === 5) guard.delivered(Buffer.from([0xfc, 1, 2]));
      guard.delivered(Buffer.from([0xf8, 0xff, 0xfe])); // silence proves nothing
    }
    expect(calls).toEqual([]);
    // Only failures, 2 s long: one fresh join, leave then join.
    for (let i = 0; i < 20; i++, clock.advance(100)) guard.undecryptable();
    expect(calls).toEqual(['disconnect', 'rejoin ch1']);
    expect(guard.rejoining).toBe(true);
    set({ status: VoiceConnectionStatus.Ready });
    expect(guard.rejoining).toBe(false);
    // Still nothing: past the bound the session ends with a reason.
    for (let i = 0; i < 20; i++, clock.advance(100))
      guard.receiveError(new Error('Failed to decrypt: DecryptionFailed'));
    expect(ended).toEqual([['error', E2EE_MESSAGES.gaveUp]]);
  });

  it('after a move that kept the old channel’s transport in an E2EE call, joins the new channel afresh', () => {
    const { c, set, calls, networking, conn } = fakeConnection();
    const clock = new ManualClock();
    const ended: string[] = [];
    const guard = guardConnection(conn, { maxRejoinAttempts: 5, clock }, (r) => ended.push(r));
    c.joinConfig.channelId = 'ch2'; // the library follows the voice state
    guard.moved('ch2');
    clock.advance(MOVE_TRANSPORT_GRACE_MS - 1);
    expect(calls).toEqual([]);
    clock.advance(1);
    expect(calls).toEqual(['disconnect', 'rejoin ch2']);
    // The bot's voice state blinks on purpose until the new channel's connection is Ready.
    expect(guard.rejoining).toBe(true);
    set({ status: VoiceConnectionStatus.Ready, networking: networking('ch2') });
    expect(guard.rejoining).toBe(false);
    // A move costs no fresh join from the failure bound.
    expect(ended).toEqual([]);
  });

  it('leaves a move alone when a new voice server replaced the transport, or the call is not E2EE', () => {
    for (const [protocolVersion, newServer] of [
      [1, true],
      [0, false],
    ] as const) {
      const { c, set, calls, networking, conn } = fakeConnection({ protocolVersion });
      const clock = new ManualClock();
      const guard = guardConnection(conn, { maxRejoinAttempts: 5, clock }, () => {});
      c.joinConfig.channelId = 'ch2';
      guard.moved('ch2');
      if (newServer) set({ status: VoiceConnectionStatus.Ready, networking: networking('ch2') });
      clock.advance(MOVE_TRANSPORT_GRACE_MS * 2);
      expect(calls).toEqual([]);
      expect(guard.rejoining).toBe(false);
    }
  });
});
