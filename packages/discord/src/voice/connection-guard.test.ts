import { EventEmitter } from 'node:events';
import {
  type VoiceConnection,
  VoiceConnectionDisconnectReason,
  VoiceConnectionStatus,
} from '@discordjs/voice';
import { ManualClock } from '@troupe/realtime-core/testing';
import { describe, expect, it } from 'vitest';
import {
  END_MESSAGES,
  GATEWAY_RETRY_MS,
  guardConnection,
  MOVE_GRACE_MS,
  protectConnection,
} from './connection-guard.ts';

/** Just the slice of VoiceConnection the guard reads: state, rejoinAttempts, rejoin(), stateChange. */
function fakeConnection() {
  const c = Object.assign(new EventEmitter(), {
    state: { status: VoiceConnectionStatus.Ready } as { status: VoiceConnectionStatus },
    receiver: { onUdpMessage: (_msg: Buffer) => {}, ssrcMap: new Map<number, unknown>() },
    rejoinAttempts: 0,
    rejoins: 0,
    rejoin(): boolean {
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
  it('ends the session on 4014 unless a new voice server follows (a move), and lets the library handle other closes', () => {
    const { set, conn } = fakeConnection();
    const ended: string[] = [];
    const clock = new ManualClock();
    guardConnection(conn, { maxRejoinAttempts: 5, clock }, (r) => ended.push(r));
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
    const kicked = {
      status: VoiceConnectionStatus.Disconnected,
      reason: VoiceConnectionDisconnectReason.WebSocketClose,
      closeCode: 4014,
    };
    // Moved: the 4014 is followed by a new voice server, the library connects again.
    set(kicked);
    expect(clock.pendingTimers).toBe(1);
    set({ status: VoiceConnectionStatus.Connecting });
    set({ status: VoiceConnectionStatus.Ready });
    expect(clock.pendingTimers).toBe(0);
    clock.advance(MOVE_GRACE_MS);
    expect(ended).toEqual([]);
    // Kicked: nothing follows the 4014.
    set(kicked);
    clock.advance(MOVE_GRACE_MS - 1);
    expect(ended).toEqual([]);
    clock.advance(1);
    expect(ended).toEqual(['disconnected']);
  });

  it('logs connection errors instead of letting an unheard error event throw', () => {
    const { conn } = fakeConnection();
    const warned: string[] = [];
    guardConnection(conn, { maxRejoinAttempts: 5, logger: { warn: (_o, m) => warned.push(m) } }, () => {});
    expect(() => conn.emit('error', new Error('Unexpected token } in JSON'))).not.toThrow();
    expect(protectConnection(conn).errors).toBe(1);
    expect(warned).toHaveLength(1);
  });

  it('stops a rejoin storm before attempt maxRejoinAttempts + 1 goes out', () => {
    const { c, set, conn } = fakeConnection();
    const ended: [string, string | undefined][] = [];
    guardConnection(conn, { maxRejoinAttempts: 5 }, (r, m) => ended.push([r, m]));
    // The library emits Signalling first and counts the attempt it then makes afterwards.
    for (let made = 0; made < 5; made++) {
      c.rejoinAttempts = made;
      set({ status: VoiceConnectionStatus.Signalling });
    }
    expect(ended).toHaveLength(0);
    c.rejoinAttempts = 5;
    set({ status: VoiceConnectionStatus.Signalling });
    expect(ended).toEqual([['error', END_MESSAGES.storm(5)]]);
  });

  it('ends at once, explaining, when the voice server demands DAVE (4017)', () => {
    const { c, set, conn } = fakeConnection();
    const networking = Object.assign(new EventEmitter(), { state: {} });
    c.state = { status: VoiceConnectionStatus.Ready, networking } as never;
    const ended: [string, string | undefined][] = [];
    const warned: string[] = [];
    guardConnection(conn, { maxRejoinAttempts: 5, logger: { warn: (_o, m) => warned.push(m) } }, (r, m) =>
      ended.push([r, m]),
    );
    // As in the library: the connection's own close handler moves to Signalling.
    networking.on('close', () => set({ status: VoiceConnectionStatus.Signalling }));
    networking.emit('close', 4006);
    expect(ended).toEqual([]);
    networking.emit('close', 4017);
    expect(ended).toEqual([['error', END_MESSAGES.daveRequired]]);
    expect(warned).toEqual(['voice server requires DAVE; ending the session']);
  });

  it('ends without reconnecting on 4021 (rate limited) and 4022 (call terminated), explaining', () => {
    for (const [code, reason, message] of [
      [4021, 'error', END_MESSAGES.rateLimited],
      [4022, 'disconnected', END_MESSAGES.callTerminated],
    ] as const) {
      const { c, set, conn } = fakeConnection();
      const networking = Object.assign(new EventEmitter(), { state: {} });
      c.state = { status: VoiceConnectionStatus.Ready, networking } as never;
      const ended: [string, string | undefined][] = [];
      guardConnection(conn, { maxRejoinAttempts: 5, clock: new ManualClock() }, (r, m) => ended.push([r, m]));
      networking.on('close', () => set({ status: VoiceConnectionStatus.Signalling }));
      networking.emit('close', code);
      expect(ended).toEqual([[reason, message]]);
    }
  });

  it('retries a rejoin the gateway was down for, without counting it as refused, and gives up after a minute', () => {
    const { c, set, conn } = fakeConnection();
    let gatewayUp = false;
    c.rejoin = () => {
      c.rejoins++;
      c.rejoinAttempts++;
      if (gatewayUp) set({ status: VoiceConnectionStatus.Signalling });
      else
        set({
          status: VoiceConnectionStatus.Disconnected,
          reason: VoiceConnectionDisconnectReason.AdapterUnavailable,
        });
      return gatewayUp;
    };
    const clock = new ManualClock();
    const ended: [string, string | undefined][] = [];
    guardConnection(conn, { maxRejoinAttempts: 5, clock }, (r, m) => ended.push([r, m]));

    const unavailable = {
      status: VoiceConnectionStatus.Disconnected,
      reason: VoiceConnectionDisconnectReason.AdapterUnavailable,
    };
    set(unavailable);
    clock.advance(GATEWAY_RETRY_MS[0]!); // gateway still down: scheduled again
    expect(c.rejoinAttempts).toBe(0);
    expect(clock.pendingTimers).toBe(1);
    gatewayUp = true;
    clock.advance(GATEWAY_RETRY_MS[1]!);
    expect(c.state.status).toBe(VoiceConnectionStatus.Signalling);
    expect(c.rejoins).toBe(2);
    expect(ended).toEqual([]);
    set({ status: VoiceConnectionStatus.Ready }); // back: the retry budget starts over

    gatewayUp = false;
    set(unavailable);
    for (const delay of GATEWAY_RETRY_MS) clock.advance(delay);
    expect(clock.pendingTimers).toBe(0);
    expect(ended).toEqual([['error', END_MESSAGES.gatewayLost]]);
    expect(c.rejoins).toBe(2 + GATEWAY_RETRY_MS.length);
  });
});
