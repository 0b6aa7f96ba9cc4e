/**
 * What the gateway reads out of op 28 (https://daveprotocol.com/#dave_mls_commit_welcome-28): the
 * commit, a PublicMessage it inspects but cannot verify (member signatures cover the GroupContext,
 * which only members know), and the Welcome it splits per new member for op 30
 * (RFC 9420 §6, §12.4, §12.4.3.1).
 */
import { type LeafNodeInfo, readLeafNode } from './key-package.ts';
import { MLS_10, toHex } from './mls-crypto.ts';
import { TlsDecodeError, TlsReader, TlsWriter } from './tls-codec.ts';

const WIRE_FORMAT_PUBLIC = 1;
const WIRE_FORMAT_WELCOME = 3;
const CONTENT_TYPE_COMMIT = 3;
const SENDER_MEMBER = 1;
const PROPOSAL_OR_REF_PROPOSAL = 1;
const PROPOSAL_OR_REF_REFERENCE = 2;

/** The parts of a commit the gateway validates. */
export interface ParsedCommit {
  /** The MLSMessage bytes, as they are relayed in op 29. */
  message: Uint8Array;
  groupId: Uint8Array;
  epoch: bigint;
  senderType: number;
  /** Leaf index of a member sender. */
  senderLeaf: number | undefined;
  /** Hex ProposalRefs, in the commit's order. */
  proposalRefs: string[];
  /** Proposals included by value; DAVE commits may only reference proposals. */
  inlineProposals: number;
  /** The committer's new leaf, when the commit carries an UpdatePath. */
  pathLeaf: LeafNodeInfo | undefined;
}

function readSender(r: TlsReader): { type: number; leaf: number | undefined } {
  const type = r.u8('sender_type');
  if (type === SENDER_MEMBER) return { type, leaf: r.u32('leaf_index') };
  if (type === 2) {
    r.u32('sender_index');
    return { type, leaf: undefined };
  }
  if (type === 3 || type === 4) return { type, leaf: undefined };
  throw new TlsDecodeError(`unknown sender type ${type}`);
}

/** Reads an MLSMessage(PublicMessage(Commit)) at the reader's position. */
export function readCommitMessage(r: TlsReader): ParsedCommit {
  const start = r.offset;
  const version = r.u16('version');
  if (version !== MLS_10) throw new TlsDecodeError(`MLS version ${version} is not mls10`);
  const wireFormat = r.u16('wire_format');
  if (wireFormat !== WIRE_FORMAT_PUBLIC)
    throw new TlsDecodeError(`commit wire format ${wireFormat} is not a PublicMessage`);
  const groupId = r.opaque('group_id').slice();
  const epoch = r.u64('epoch');
  const sender = readSender(r);
  r.opaque('authenticated_data');
  const contentType = r.u8('content_type');
  if (contentType !== CONTENT_TYPE_COMMIT)
    throw new TlsDecodeError(`content type ${contentType} is not commit`);
  const proposalRefs: string[] = [];
  let inlineProposals = 0;
  r.vector((x) => {
    const kind = x.u8('ProposalOrRef.type');
    if (kind === PROPOSAL_OR_REF_REFERENCE) proposalRefs.push(toHex(x.opaque('proposal_ref')));
    else if (kind === PROPOSAL_OR_REF_PROPOSAL) {
      inlineProposals++;
      // By-value proposals make the commit invalid for DAVE; their length is type-specific, so
      // parsing stops here.
      throw new TlsDecodeError('commit includes a proposal by value; DAVE commits reference proposals');
    } else throw new TlsDecodeError(`unknown ProposalOrRef type ${kind}`);
  }, 'commit.proposals');
  let pathLeaf: LeafNodeInfo | undefined;
  const hasPath = r.u8('optional<UpdatePath>');
  if (hasPath === 1) {
    pathLeaf = readLeafNode(r);
    r.opaque('update_path.nodes');
  } else if (hasPath !== 0) throw new TlsDecodeError(`invalid optional<UpdatePath> flag ${hasPath}`);
  r.opaque('signature');
  r.opaque('confirmation_tag');
  if (sender.type === SENDER_MEMBER) r.opaque('membership_tag');
  return {
    message: r.since(start).slice(),
    groupId,
    epoch,
    senderType: sender.type,
    senderLeaf: sender.leaf,
    proposalRefs,
    inlineProposals,
    pathLeaf,
  };
}

/** One member's share of a Welcome. */
export interface WelcomeSecret {
  /** Hex KeyPackageRef of the new member. */
  newMember: string;
  /** The EncryptedGroupSecrets struct, verbatim. */
  bytes: Uint8Array;
}

export interface ParsedWelcome {
  cipherSuite: number;
  secrets: WelcomeSecret[];
  encryptedGroupInfo: Uint8Array;
}

/**
 * Reads a Welcome at the reader's position. Whitepaper 1.1.2 corrected op 28/30 to a bare Welcome;
 * an MLSMessage-wrapped one (the earlier text) is accepted too.
 */
export function readWelcome(r: TlsReader): ParsedWelcome {
  const start = r.offset;
  if (r.remaining >= 4 && !(r.u16() === MLS_10 && r.u16() === WIRE_FORMAT_WELCOME)) r.offset = start;
  const cipherSuite = r.u16('welcome.cipher_suite');
  const secrets = r.vector((x) => {
    const start = x.offset;
    const newMember = toHex(x.opaque('new_member'));
    x.opaque('kem_output');
    x.opaque('ciphertext');
    return { newMember, bytes: x.since(start).slice() };
  }, 'welcome.secrets');
  const encryptedGroupInfo = r.opaque('encrypted_group_info').slice();
  return { cipherSuite, secrets, encryptedGroupInfo };
}

/** The Welcome cut down to one new member's secrets, as op 30 delivers it. */
export function welcomeFor(welcome: ParsedWelcome, keyPackageRefHex: string): Uint8Array | undefined {
  const mine = welcome.secrets.filter((s) => s.newMember === keyPackageRefHex);
  if (mine.length === 0) return undefined;
  return new TlsWriter()
    .u16(welcome.cipherSuite)
    .vector(mine, (w, s) => w.raw(s.bytes))
    .opaque(welcome.encryptedGroupInfo)
    .bytes();
}

/** Splits an op 28 payload: a commit MLSMessage, then (when members are added) a Welcome. */
export function parseCommitWelcome(payload: Uint8Array): {
  commit: ParsedCommit;
  welcome: ParsedWelcome | undefined;
} {
  const r = new TlsReader(payload);
  const commit = readCommitMessage(r);
  if (r.remaining === 0) return { commit, welcome: undefined };
  const welcome = readWelcome(r);
  r.end('op 28 welcome');
  return { commit, welcome };
}
