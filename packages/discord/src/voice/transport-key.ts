// @discordjs/voice 0.19.2 (pinned) passes the raw 32-byte session key to createCipheriv /
// createDecipheriv for every RTP packet, and Node turns a raw key into a key object each time:
// 27–37 µs per packet, measured, against 6 µs with a prepared KeyObject. Handing the library a
// KeyObject for the AES-GCM mode (the only mode that uses node:crypto) removes ~80 % of the
// transport-crypto cost of every packet both ways. xchacha goes through a JS library that needs
// bytes, so it is left alone; anything unexpected leaves the library untouched.
import { createSecretKey, type KeyObject } from 'node:crypto';
import { type VoiceConnection, VoiceConnectionStatus } from '@discordjs/voice';

const AES_MODE = 'aead_aes256_gcm_rtpsize';

interface ConnectionData {
  encryptionMode?: unknown;
  secretKey?: Uint8Array | KeyObject;
}

/** Swaps the session key of a Ready connection for a KeyObject; true when it did (or already had). */
export function prepareTransportKey(connection: VoiceConnection): boolean {
  const state = connection.state as { networking?: { state?: { connectionData?: ConnectionData } } };
  const data = state.networking?.state?.connectionData;
  if (!data || data.encryptionMode !== AES_MODE) return false;
  if (data.secretKey instanceof Uint8Array && data.secretKey.byteLength === 32) {
    data.secretKey = createSecretKey(data.secretKey);
    return true;
  }
  return typeof data.secretKey === 'object' && (data.secretKey as KeyObject).type === 'secret';
}

/** Keeps the connection's session key prepared across rejoins (each brings a new key). */
export function keepTransportKeyPrepared(connection: VoiceConnection): void {
  prepareTransportKey(connection);
  connection.on('stateChange', (_old, next) => {
    if (next.status === VoiceConnectionStatus.Ready) prepareTransportKey(connection);
  });
}
