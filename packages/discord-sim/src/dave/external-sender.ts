/**
 * The voice gateway as MLS external sender: its ExternalSender package (op 25,
 * https://daveprotocol.com/#dave_mls_external_sender_package-25) and the signed external Add and
 * Remove proposals it broadcasts (op 27), framed as PublicMessage (RFC 9420 §6, §6.1, §12.1.8).
 */
import { CREDENTIAL_BASIC } from './key-package.ts';
import { MLS_10, proposalRef, type SignatureKeyPair, signWithLabel } from './mls-crypto.ts';
import { TlsWriter } from './tls-codec.ts';

/** WireFormat mls_public_message. */
export const WIRE_FORMAT_PUBLIC_MESSAGE = 1;
/** SenderType external; the index points into the group's external_senders extension. */
const SENDER_EXTERNAL = 2;
const CONTENT_TYPE_PROPOSAL = 2;
export const PROPOSAL_ADD = 1;
export const PROPOSAL_REMOVE = 3;

/**
 * Default basic-credential identity of the gateway. Members only compare the package with what
 * they received, so any bytes do; libdave's test external sender uses these four.
 */
export const DEFAULT_EXTERNAL_SENDER_IDENTITY = Uint8Array.of(0x00, 0x01, 0x01, 0x00);

/** `ExternalSender { SignaturePublicKey signature_key; Credential credential; }` (RFC 9420 §12.1.8.1). */
export function encodeExternalSender(
  signaturePublicKey: Uint8Array,
  identity: Uint8Array = DEFAULT_EXTERNAL_SENDER_IDENTITY,
): Uint8Array {
  return new TlsWriter().opaque(signaturePublicKey).u16(CREDENTIAL_BASIC).opaque(identity).bytes();
}

/** What an external proposal proposes. */
export type ExternalProposal =
  | { type: 'add'; keyPackage: Uint8Array }
  | { type: 'remove'; leafIndex: number };

/** A signed proposal as it goes into op 27, plus the ProposalRef commits cite it by. */
export interface SignedProposal {
  /** The whole MLSMessage. */
  message: Uint8Array;
  ref: Uint8Array;
}

function framedContent(groupId: Uint8Array, epoch: bigint, proposal: ExternalProposal): Uint8Array {
  const w = new TlsWriter().opaque(groupId).u64(epoch).u8(SENDER_EXTERNAL).u32(0);
  w.opaque(new Uint8Array(0)).u8(CONTENT_TYPE_PROPOSAL);
  if (proposal.type === 'add') w.u16(PROPOSAL_ADD).raw(proposal.keyPackage);
  else w.u16(PROPOSAL_REMOVE).u32(proposal.leafIndex);
  return w.bytes();
}

/**
 * Frames and signs an external proposal for `groupId` at `epoch`. An external sender's
 * FramedContentTBS carries no GroupContext, and its PublicMessage no membership tag, so the
 * gateway needs none of the group's secrets.
 */
export function signExternalProposal(
  key: SignatureKeyPair,
  groupId: Uint8Array,
  epoch: bigint,
  proposal: ExternalProposal,
): SignedProposal {
  const content = framedContent(groupId, epoch, proposal);
  const tbs = new TlsWriter().u16(MLS_10).u16(WIRE_FORMAT_PUBLIC_MESSAGE).raw(content).bytes();
  const signature = signWithLabel(key, 'FramedContentTBS', tbs);
  const authenticated = new TlsWriter()
    .u16(WIRE_FORMAT_PUBLIC_MESSAGE)
    .raw(content)
    .opaque(signature)
    .bytes();
  const message = new TlsWriter()
    .u16(MLS_10)
    .u16(WIRE_FORMAT_PUBLIC_MESSAGE)
    .raw(content)
    .opaque(signature)
    .bytes();
  return { message, ref: proposalRef(authenticated) };
}

/** The MLS group id of a channel's media session: the channel id as a big-endian uint64. */
export function groupIdForChannel(channelId: string): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt.asUintN(64, BigInt(channelId)));
  return out;
}
