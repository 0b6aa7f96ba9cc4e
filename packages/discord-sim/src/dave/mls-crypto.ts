/**
 * The ciphersuite-2 primitives the voice gateway needs (RFC 9420 §5, §17.1:
 * MLS_128_DHKEMP256_AES128GCM_SHA256_P256): SHA-256 hash references and ECDSA P-256 signatures,
 * DER-encoded, over labelled content. Public keys travel as uncompressed points (0x04 || X || Y).
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto';
import { TlsWriter } from './tls-codec.ts';

/** MLS ciphersuite 2, the only one DAVE protocol version 1 uses (https://daveprotocol.com/#mls-parameters). */
export const CIPHERSUITE_P256 = 2;
/** ProtocolVersion mls10. */
export const MLS_10 = 1;

const LABEL_PREFIX = 'MLS 1.0 ';

/** A P-256 signing key with its public half in MLS wire form. */
export interface SignatureKeyPair {
  readonly privateKey: KeyObject;
  /** 65-byte uncompressed point. */
  readonly publicKey: Uint8Array;
}

function b64url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}

/** Generates a fresh P-256 key pair. */
export function generateSignatureKeyPair(): SignatureKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { privateKey, publicKey: rawPublicKey(publicKey) };
}

/** Rebuilds a key pair from a 32-byte private scalar (fixtures use fixed keys). */
export function signatureKeyPairFromScalar(scalar: Uint8Array, publicKey: Uint8Array): SignatureKeyPair {
  const { x, y } = splitPoint(publicKey);
  const privateKey = createPrivateKey({
    key: { kty: 'EC', crv: 'P-256', d: b64url(scalar), x: b64url(x), y: b64url(y) },
    format: 'jwk',
  });
  return { privateKey, publicKey };
}

function rawPublicKey(key: KeyObject): Uint8Array {
  const jwk = key.export({ format: 'jwk' });
  if (!jwk.x || !jwk.y) throw new Error('not an EC public key');
  return Uint8Array.from([0x04, ...Buffer.from(jwk.x, 'base64url'), ...Buffer.from(jwk.y, 'base64url')]);
}

function splitPoint(point: Uint8Array): { x: Uint8Array; y: Uint8Array } {
  if (point.length !== 65 || point[0] !== 0x04)
    throw new Error(`a P-256 public key is a 65-byte uncompressed point, got ${point.length} bytes`);
  return { x: point.subarray(1, 33), y: point.subarray(33) };
}

/** Imports an uncompressed P-256 point; throws if it is not one. */
export function importPublicKey(point: Uint8Array): KeyObject {
  const { x, y } = splitPoint(point);
  return createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: b64url(x), y: b64url(y) }, format: 'jwk' });
}

/** RFC 9420 §5.1.2: `SignContent { opaque label<V> = "MLS 1.0 " + Label; opaque content<V>; }`. */
export function signContent(label: string, content: Uint8Array): Uint8Array {
  return new TlsWriter()
    .opaque(new TextEncoder().encode(LABEL_PREFIX + label))
    .opaque(content)
    .bytes();
}

/** SignWithLabel: ECDSA-SHA256 over SignContent, DER-encoded as RFC 9420 §5.1.2 requires. */
export function signWithLabel(key: SignatureKeyPair, label: string, content: Uint8Array): Uint8Array {
  return sign('sha256', signContent(label, content), { key: key.privateKey, dsaEncoding: 'der' });
}

/** VerifyWithLabel; false for a bad signature, a malformed key or a malformed DER value. */
export function verifyWithLabel(
  publicKey: Uint8Array,
  label: string,
  content: Uint8Array,
  signature: Uint8Array,
): boolean {
  try {
    return verify(
      'sha256',
      signContent(label, content),
      { key: importPublicKey(publicKey), dsaEncoding: 'der' },
      signature,
    );
  } catch {
    return false;
  }
}

/** RFC 9420 §5.2: `RefHash(label, value) = Hash(RefHashInput { opaque label<V>; opaque value<V>; })`. */
export function refHash(label: string, value: Uint8Array): Uint8Array {
  const input = new TlsWriter().opaque(new TextEncoder().encode(label)).opaque(value).bytes();
  return new Uint8Array(createHash('sha256').update(input).digest());
}

/** MakeKeyPackageRef over the serialized KeyPackage. */
export function keyPackageRef(keyPackage: Uint8Array): Uint8Array {
  return refHash('MLS 1.0 KeyPackage Reference', keyPackage);
}

/** MakeProposalRef over the serialized AuthenticatedContent. */
export function proposalRef(authenticatedContent: Uint8Array): Uint8Array {
  return refHash('MLS 1.0 Proposal Reference', authenticatedContent);
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}
