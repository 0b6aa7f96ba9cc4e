import { type EncryptionMode, openRtp, sealRtp } from '../crypto/transport-crypto.ts';

/** RTP payload type Discord uses for Opus. */
export const OPUS_PAYLOAD_TYPE = 0x78;

/** What goes into one outgoing RTP packet. */
export interface RtpPacketSpec {
  sequence: number;
  timestamp: number;
  ssrc: number;
  opus: Uint8Array;
  /** Words of a one-byte-header (0xBEDE) extension to prepend; encrypted like Discord clients do. */
  extensionWords?: number | undefined;
  /** Bytes of RTP padding (1..255) appended inside the encrypted payload, P bit set. */
  padding?: number | undefined;
}

/** Builds and seals one RTP packet the way a Discord client sends it. */
export function buildRtpPacket(
  mode: EncryptionMode,
  key: Uint8Array,
  spec: RtpPacketSpec,
  counter: number,
): Uint8Array {
  const ext = spec.extensionWords ?? 0;
  const pad = spec.padding ?? 0;
  const header = new Uint8Array(ext > 0 ? 16 : 12);
  const view = new DataView(header.buffer);
  header[0] = 0x80 | (pad > 0 ? 0x20 : 0) | (ext > 0 ? 0x10 : 0);
  header[1] = OPUS_PAYLOAD_TYPE;
  view.setUint16(2, spec.sequence & 0xffff);
  view.setUint32(4, spec.timestamp >>> 0);
  view.setUint32(8, spec.ssrc >>> 0);
  if (ext > 0) {
    view.setUint16(12, 0xbede);
    view.setUint16(14, ext);
  }
  // Plaintext = extension body (one-byte elements: id 1 len 1 → audio-level-like data) + opus + padding.
  const plain = new Uint8Array(ext * 4 + spec.opus.length + pad);
  for (let w = 0; w < ext; w++) {
    plain[w * 4] = 0x10; // element id 1, one data byte (length field 0)
    plain[w * 4 + 1] = 0x7f;
  }
  plain.set(spec.opus, ext * 4);
  if (pad > 0) plain[plain.length - 1] = pad;
  return sealRtp(mode, key, header, plain, counter);
}

/** A decrypted RTP packet received from the bot. */
export interface ParsedRtp {
  sequence: number;
  timestamp: number;
  ssrc: number;
  opus: Uint8Array;
}

/** Parses and opens an RTP packet from the bot; `null` if it is not valid Opus RTP or fails auth. */
export function parseRtpPacket(mode: EncryptionMode, key: Uint8Array, packet: Uint8Array): ParsedRtp | null {
  if (packet.length < 12 + 20 || packet[0] === undefined || packet[0] >> 6 !== 2) return null;
  if (((packet[1] ?? 0) & 0x7f) !== OPUS_PAYLOAD_TYPE) return null;
  const view = new DataView(packet.buffer, packet.byteOffset, packet.byteLength);
  const hasExt = (packet[0] & 0x10) !== 0;
  const headerSize = hasExt ? 16 : 12;
  let plain = openRtp(mode, key, packet, headerSize);
  if (!plain) return null;
  if ((packet[0] & 0x20) !== 0) {
    const pad = plain[plain.length - 1] ?? 0;
    if (pad < plain.length) plain = plain.subarray(0, plain.length - pad);
  }
  if (hasExt) plain = plain.subarray(view.getUint16(14) * 4);
  return { sequence: view.getUint16(2), timestamp: view.getUint32(4), ssrc: view.getUint32(8), opus: plain };
}
