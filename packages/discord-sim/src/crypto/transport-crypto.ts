import { createCipheriv, createDecipheriv, createSecretKey, type KeyObject } from 'node:crypto';
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';

/** The two transport encryption modes @discordjs/voice 0.19 supports, in Discord's spelling. */
export const ENCRYPTION_MODES = ['aead_aes256_gcm_rtpsize', 'aead_xchacha20_poly1305_rtpsize'] as const;
export type EncryptionMode = (typeof ENCRYPTION_MODES)[number];

const TAG = 16;
const NONCE_SUFFIX = 4;

// node:crypto turns a raw key into a key object on every call: one per session key instead
// (the load bench plays a hundred clients in one process; this was 5 % of its CPU).
const keyObjects = new WeakMap<Uint8Array, KeyObject>();
function aesKey(key: Uint8Array): KeyObject {
  let k = keyObjects.get(key);
  if (!k) {
    k = createSecretKey(key);
    keyObjects.set(key, k);
  }
  return k;
}

function nonceFor(mode: EncryptionMode, counter: Uint8Array): Uint8Array {
  // The 4-byte counter rides at the packet tail; the cipher nonce is it padded with zeros.
  const nonce = new Uint8Array(mode === 'aead_aes256_gcm_rtpsize' ? 12 : 24);
  nonce.set(counter, 0);
  return nonce;
}

/**
 * Seals an RTP payload the "rtpsize" way: `header` (the 12-byte RTP header plus, if present, the
 * 4-byte extension preamble) is authenticated but clear; the rest is encrypted; the 32-bit
 * counter is appended in the clear.
 */
export function sealRtp(
  mode: EncryptionMode,
  key: Uint8Array,
  header: Uint8Array,
  plaintext: Uint8Array,
  counter: number,
): Uint8Array {
  const suffix = new Uint8Array(NONCE_SUFFIX);
  new DataView(suffix.buffer).setUint32(0, counter >>> 0);
  const nonce = nonceFor(mode, suffix);
  let sealed: Uint8Array;
  if (mode === 'aead_aes256_gcm_rtpsize') {
    const cipher = createCipheriv('aes-256-gcm', aesKey(key), nonce);
    cipher.setAAD(header);
    sealed = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  } else {
    sealed = xchacha20poly1305(key, nonce, header).encrypt(plaintext);
  }
  const out = new Uint8Array(header.length + sealed.length + NONCE_SUFFIX);
  out.set(header, 0);
  out.set(sealed, header.length);
  out.set(suffix, header.length + sealed.length);
  return out;
}

/** Opens a packet sealed by {@link sealRtp}; returns `null` when authentication fails. */
export function openRtp(
  mode: EncryptionMode,
  key: Uint8Array,
  packet: Uint8Array,
  headerSize: number,
): Uint8Array | null {
  if (packet.length < headerSize + TAG + NONCE_SUFFIX) return null;
  const header = packet.subarray(0, headerSize);
  const suffix = packet.subarray(packet.length - NONCE_SUFFIX);
  const body = packet.subarray(headerSize, packet.length - NONCE_SUFFIX);
  const nonce = nonceFor(mode, suffix);
  try {
    if (mode === 'aead_aes256_gcm_rtpsize') {
      const decipher = createDecipheriv('aes-256-gcm', aesKey(key), nonce);
      decipher.setAAD(header);
      decipher.setAuthTag(body.subarray(body.length - TAG));
      return Buffer.concat([decipher.update(body.subarray(0, body.length - TAG)), decipher.final()]);
    }
    return xchacha20poly1305(key, nonce, header).decrypt(body);
  } catch {
    return null;
  }
}
