import { EventEmitter } from 'node:events';
import {
  type VoiceConnection,
  VoiceConnectionDisconnectReason,
  VoiceConnectionStatus,
} from '@discordjs/voice';
import { describe, expect, it } from 'vitest';
import { END_MESSAGES, GATEWAY_RETRY_MS, guardConnection, protectConnection } from './connection-guard.ts';
import { E2EE_MESSAGES } from './e2ee-recovery.ts';

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
      guardConnection(conn, { maxRejoinAttempts: 5 }, (r, m) => ended.push([r, m]));
      networking.on('close', () => set({ status: VoiceConnectionStatus.Signalling }));
      networking.emit('close', code);
      expect(ended).toEqual([[reason, message]]);
    }
  });

  it('leaves and joins again when nothing decrypts for long enough, then gives up, bounded', () => {
    const { c, set, conn } = fakeConnection();
    const calls: string[] = [];
    Object.assign(c, {
      joinConfig: { channelId: 'ch1' },
      disconnect: () => calls.push('disconnect'),
      rejoin: (cfg: { channelId: string }) => calls.push(`rejoin ${cfg.channelId}`),
    });
    let t = 0;
    const tasks: (() => void)[] = [];
    const ended: [string, string | undefined][] = [];
    const guard = guardConnection(
      conn,
      {
        maxRejoinAttempts: 5,
        now: () => t,
        schedule: (fn) => {
          tasks.push(fn);
          return () => {};
        },
        e2ee: { health: { minFailures: 10, minFailingMs: 1000, maxFreshJoins: 1 } },
      },
      (r, m) => ended.push([r, m]),
    );
    const run = () => {
      for (const task of tasks.splice(0)) task();
    };
    // Failures with a delivered frame among them are not persistent.
    for (let i = 0; i < 14; i++, t += 100) {
      guard.receiveError(new Error('Unsupported state or unable to authenticate data'));
      if (i === 5) guard.delivered(Buffer.from([0xfc, 1, 2]));
      guard.delivered(Buffer.from([0xf8, 0xff, 0xfe])); // silence proves nothing
    }
    run();
    expect(calls).toEqual([]);
    // Only failures, 2 s long: one fresh join, leave then join.
    for (let i = 0; i < 20; i++, t += 100) guard.undecryptable();
    run();
    expect(calls).toEqual(['disconnect', 'rejoin ch1']);
    guard.receiveError(new Error('stream premature close')); // not a decryption failure: ignored
    set({ status: VoiceConnectionStatus.Ready });
    // Still nothing: past the bound the session ends with a reason.
    for (let i = 0; i < 20; i++, t += 100)
      guard.receiveError(new Error('Failed to decrypt: DecryptionFailed'));
    expect(ended).toEqual([['error', E2EE_MESSAGES.gaveUp]]);
  });

  it('keeps runts and receiver exceptions away from the socket handler, counting them', () => {
    const { c, conn } = fakeConnection();
    const received: number[] = [];
    // Like @discordjs/voice 0.19.2: reads the SSRC at byte 8 of anything longer than 8 bytes.
    const original = (msg: Buffer) => {
      if (msg.length <= 8) return;
      const ssrc = msg.readUInt32BE(8);
      if (ssrc === 0xdead) throw new Error('receiver bug');
      received.push(ssrc);
    };
    c.receiver = { onUdpMessage: original, ssrcMap: new Map([[7, { userId: 'u' }]]) };
    const udp = new EventEmitter();
    udp.on('message', original); // bound before the shield, as when protected late
    c.state = {
      status: VoiceConnectionStatus.Ready,
      networking: Object.assign(new EventEmitter(), { state: { udp } }),
    } as never;
    const shield = protectConnection(conn);
    const rtp = (ssrc: number) =>
      Buffer.from([0x80, 0x78, 0, 1, 0, 0, 0, 1, ...[24, 16, 8, 0].map((b) => (ssrc >>> b) & 255)]);
    expect(() => udp.emit('message', Buffer.alloc(10, 1))).not.toThrow();
    expect(() => udp.emit('message', rtp(0xdead))).not.toThrow();
    udp.emit('message', rtp(7));
    udp.emit('message', rtp(99));
    expect(received).toEqual([7, 99]);
    expect(shield).toMatchObject({ runts: 1, receiverFaults: 1, unknownSsrc: 2 });
    expect(protectConnection(conn)).toBe(shield);
  });

  it('opens a packet whose ciphertext merely starts 0xBEDE without stripping an extension it lacks', () => {
    const { c, conn } = fakeConnection();
    const plain = Buffer.from([0xf8, 1, 2, 3, 4, 5, 6, 7]);
    // As in @discordjs/voice 0.19.2: strips 4 × (bytes 14–15) whenever bytes 12–13 read 0xBEDE.
    const receiver = {
      onUdpMessage: (_msg: Buffer) => {},
      ssrcMap: new Map<number, unknown>(),
      decrypt: (_b: Buffer) => Buffer.from(plain),
      parsePacket(buffer: Buffer) {
        const packet = this.decrypt(buffer);
        return buffer[12] === 0xbe && buffer[13] === 0xde
          ? packet.subarray(4 * buffer.readUInt16BE(14))
          : packet;
      },
    };
    c.receiver = receiver;
    const shield = protectConnection(conn);
    const datagram = (x: number, b12: number) =>
      Buffer.from([0x80 | x, 0x78, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7, b12, 0xde, 0, 1]);
    const parse = (b: Buffer) => {
      const patched = receiver.parsePacket as unknown as (...args: unknown[]) => Buffer;
      return [...patched(b, 'aead_aes256_gcm_rtpsize', Buffer.alloc(12), null, 'u')];
    };
    expect(parse(datagram(0, 0xbe))).toEqual([...plain]); // X clear: the look-alike is ciphertext
    expect(parse(datagram(0x10, 0xbe))).toEqual([...plain.subarray(4)]); // X set: a real extension
    expect(parse(datagram(0, 0x00))).toEqual([...plain]);
    expect(shield.extensionLookalikes).toBe(1);
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
    const timers: { fn: () => void; ms: number }[] = [];
    const ended: [string, string | undefined][] = [];
    const schedule = (fn: () => void, ms: number) => {
      timers.push({ fn, ms });
      return () => {};
    };
    guardConnection(conn, { maxRejoinAttempts: 5, schedule }, (r, m) => ended.push([r, m]));
    const unavailable = {
      status: VoiceConnectionStatus.Disconnected,
      reason: VoiceConnectionDisconnectReason.AdapterUnavailable,
    };
    set(unavailable);
    timers.shift()?.fn(); // gateway still down: scheduled again
    expect(c.rejoinAttempts).toBe(0);
    gatewayUp = true;
    timers.shift()?.fn();
    expect(c.state.status).toBe(VoiceConnectionStatus.Signalling);
    expect(c.rejoins).toBe(2);
    expect(ended).toEqual([]);
    set({ status: VoiceConnectionStatus.Ready }); // back: the retry budget starts over

    gatewayUp = false;
    set(unavailable);
    for (let i = 0; i < 20 && timers.length > 0; i++) timers.shift()?.fn();
    expect(ended).toEqual([['error', END_MESSAGES.gatewayLost]]);
    expect(c.rejoins).toBe(2 + GATEWAY_RETRY_MS.length);
  });
});
