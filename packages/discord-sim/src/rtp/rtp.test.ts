import { describe, expect, it } from 'vitest';
import { ENCRYPTION_MODES } from '../crypto/transport-crypto.ts';
import { buildRtpPacket, parseRtpPacket } from './rtp.ts';

describe('RTP sealing', () => {
  const key = new Uint8Array(32).map((_, i) => i * 7);
  const opus = Uint8Array.of(0xfc, 1, 2, 3, 4, 5);
  for (const mode of ENCRYPTION_MODES) {
    it(`round-trips ${mode} with header extension and padding`, () => {
      const packet = buildRtpPacket(
        mode,
        key,
        { sequence: 65535, timestamp: 960, ssrc: 42, opus, extensionWords: 2, padding: 3 },
        7,
      );
      expect(packet[0]).toBe(0x80 | 0x20 | 0x10);
      expect(Array.from(packet.subarray(12, 14))).toEqual([0xbe, 0xde]);
      const parsed = parseRtpPacket(mode, key, packet);
      expect(parsed).toMatchObject({ sequence: 65535, timestamp: 960, ssrc: 42 });
      expect(Array.from(parsed?.opus ?? [])).toEqual(Array.from(opus));
    });
    it(`rejects a tampered ${mode} packet`, () => {
      const packet = buildRtpPacket(mode, key, { sequence: 1, timestamp: 2, ssrc: 3, opus }, 1);
      packet[14] = (packet[14] ?? 0) ^ 0xff;
      expect(parseRtpPacket(mode, key, packet)).toBeNull();
    });
  }
});
