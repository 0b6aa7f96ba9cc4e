/**
 * KeyPackage and LeafNode parsing and validation (RFC 9420 §7.2, §10), with the checks the DAVE
 * whitepaper puts on the voice gateway (https://daveprotocol.com/#validation): basic credential
 * whose identity is the sender's user id as a big-endian uint64, lifetime 0..2^64-1, valid signature.
 */
import { CIPHERSUITE_P256, keyPackageRef, MLS_10, verifyWithLabel } from './mls-crypto.ts';
import { TlsDecodeError, TlsReader } from './tls-codec.ts';

export const CREDENTIAL_BASIC = 1;
/** WireFormat mls_key_package (RFC 9420 §6). */
const WIRE_FORMAT_KEY_PACKAGE = 5;
const LEAF_SOURCE_KEY_PACKAGE = 1;
const LEAF_SOURCE_UPDATE = 2;
const LEAF_SOURCE_COMMIT = 3;
const MAX_U64 = (1n << 64n) - 1n;

/** The parts of a LeafNode the gateway looks at. */
export interface LeafNodeInfo {
  signatureKey: Uint8Array;
  credentialType: number;
  /** Basic credential identity bytes (empty for other credential types). */
  identity: Uint8Array;
  source: 'key_package' | 'update' | 'commit';
  lifetime?: { notBefore: bigint; notAfter: bigint };
  /** LeafNodeTBS bytes (without the group_id/leaf_index suffix of update/commit leaves). */
  tbs: Uint8Array;
  signature: Uint8Array;
}

/** A parsed KeyPackage; `bytes` is exactly the serialized KeyPackage (what Add proposals carry). */
export interface KeyPackageInfo {
  bytes: Uint8Array;
  /** KeyPackageRef: how a Welcome names this member. */
  ref: Uint8Array;
  version: number;
  cipherSuite: number;
  leaf: LeafNodeInfo;
  tbs: Uint8Array;
  signature: Uint8Array;
}

function skipCapabilities(r: TlsReader): void {
  r.vector((x) => x.u16('version'), 'capabilities.versions');
  r.vector((x) => x.u16('cipher_suite'), 'capabilities.cipher_suites');
  r.vector((x) => x.u16('extension_type'), 'capabilities.extensions');
  r.vector((x) => x.u16('proposal_type'), 'capabilities.proposals');
  r.vector((x) => x.u16('credential_type'), 'capabilities.credentials');
}

function skipExtensions(r: TlsReader, what: string): void {
  r.vector((x) => {
    x.u16('extension_type');
    x.opaque('extension_data');
  }, what);
}

/** Reads a LeafNode (RFC 9420 §7.2) at the reader's position. */
export function readLeafNode(r: TlsReader): LeafNodeInfo {
  const start = r.offset;
  r.opaque('encryption_key');
  const signatureKey = r.opaque('signature_key');
  const credentialType = r.u16('credential_type');
  let identity: Uint8Array = new Uint8Array(0);
  if (credentialType === CREDENTIAL_BASIC) identity = r.opaque('identity');
  else if (credentialType === 2) r.vector((x) => x.opaque('certificate'), 'certificates');
  else throw new TlsDecodeError(`unknown credential type ${credentialType}`);
  skipCapabilities(r);
  const sourceType = r.u8('leaf_node_source');
  let source: LeafNodeInfo['source'];
  let lifetime: LeafNodeInfo['lifetime'];
  if (sourceType === LEAF_SOURCE_KEY_PACKAGE) {
    source = 'key_package';
    lifetime = { notBefore: r.u64('not_before'), notAfter: r.u64('not_after') };
  } else if (sourceType === LEAF_SOURCE_UPDATE) source = 'update';
  else if (sourceType === LEAF_SOURCE_COMMIT) {
    source = 'commit';
    r.opaque('parent_hash');
  } else throw new TlsDecodeError(`unknown leaf_node_source ${sourceType}`);
  skipExtensions(r, 'leaf_node.extensions');
  const tbs = r.since(start);
  const signature = r.opaque('leaf_node.signature');
  return {
    signatureKey,
    credentialType,
    identity,
    source,
    ...(lifetime ? { lifetime } : {}),
    tbs,
    signature,
  };
}

/**
 * Parses the payload of op 26. The whitepaper says `MLSMessage key_package_message`
 * (https://daveprotocol.com/#dave_mls_key_package-26), but libdave (`Session::GetMarshalledKeyPackage`)
 * and davey (`create_key_package`) both send a bare KeyPackage; both forms are accepted.
 */
export function parseKeyPackageMessage(payload: Uint8Array): KeyPackageInfo {
  const peek = new TlsReader(payload);
  peek.u16('version');
  const second = peek.u16('cipher_suite or wire_format');
  const body = second === WIRE_FORMAT_KEY_PACKAGE ? payload.subarray(4) : payload;
  const r = new TlsReader(body);
  const kp = readKeyPackage(r);
  r.end('KeyPackage');
  return kp;
}

/** Reads one KeyPackage (RFC 9420 §10) at the reader's position. */
export function readKeyPackage(r: TlsReader): KeyPackageInfo {
  const start = r.offset;
  const version = r.u16('version');
  const cipherSuite = r.u16('cipher_suite');
  r.opaque('init_key');
  const leaf = readLeafNode(r);
  skipExtensions(r, 'key_package.extensions');
  const tbs = r.since(start);
  const signature = r.opaque('key_package.signature');
  const bytes = r.since(start).slice();
  return { bytes, ref: keyPackageRef(bytes), version, cipherSuite, leaf, tbs, signature };
}

/** Big-endian uint64 bytes of a snowflake: the DAVE basic-credential identity. */
export function userIdentity(userId: string): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt.asUintN(64, BigInt(userId)));
  return out;
}

/** The snowflake in a basic-credential identity, or undefined if it is not 8 bytes. */
export function identityUserId(identity: Uint8Array): string | undefined {
  if (identity.length !== 8) return undefined;
  return new DataView(identity.buffer, identity.byteOffset, 8).getBigUint64(0).toString();
}

/**
 * Why the gateway refuses a key package from `userId`, or undefined if it is acceptable
 * (https://daveprotocol.com/#validation).
 */
export function keyPackageProblem(kp: KeyPackageInfo, userId: string): string | undefined {
  if (kp.version !== MLS_10) return `protocol version ${kp.version} is not mls10`;
  if (kp.cipherSuite !== CIPHERSUITE_P256) return `ciphersuite ${kp.cipherSuite} is not 2 (P-256)`;
  const { leaf } = kp;
  if (leaf.credentialType !== CREDENTIAL_BASIC) return `credential type ${leaf.credentialType} is not basic`;
  const who = identityUserId(leaf.identity);
  if (who !== userId) return `credential identity ${who ?? '(not 8 bytes)'} is not the sender ${userId}`;
  if (leaf.source !== 'key_package') return `leaf node source is ${leaf.source}, not key_package`;
  if (leaf.lifetime?.notBefore !== 0n || leaf.lifetime.notAfter !== MAX_U64)
    return 'lifetime is not the maximum span (not_before 0, not_after 2^64-1)';
  if (!verifyWithLabel(leaf.signatureKey, 'LeafNodeTBS', leaf.tbs, leaf.signature))
    return 'leaf node signature does not verify';
  if (!verifyWithLabel(leaf.signatureKey, 'KeyPackageTBS', kp.tbs, kp.signature))
    return 'key package signature does not verify';
  return undefined;
}
