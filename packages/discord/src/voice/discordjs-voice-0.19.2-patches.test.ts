// The @discordjs/voice 0.19.2 patches, each against a stand-in shaped like the library's private
// state (the e2e tests fault-voice and fault-close-codes run them against the real library).
import { EventEmitter } from 'node:events';
import { type VoiceConnection, VoiceConnectionStatus } from '@discordjs/voice';
import { describe, expect, it } from 'vitest';
import { protectConnection } from './discordjs-voice-0.19.2-patches.ts';

function fakeConnection() {
  const c = Object.assign(new EventEmitter(), {
    state: { status: VoiceConnectionStatus.Ready } as { status: VoiceConnectionStatus },
    receiver: { onUdpMessage: (_msg: Buffer) => {}, ssrcMap: new Map<number, unknown>() } as object,
  });
  return { c, conn: c as unknown as VoiceConnection };
}

describe('protectConnection', () => {
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
});
