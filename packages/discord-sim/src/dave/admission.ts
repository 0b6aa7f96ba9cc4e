/**
 * What the gateway admits (https://daveprotocol.com/#validation and
 * #voice-gateway-commit-validity): key packages it will propose, commits it will broadcast.
 * Pure: it reads the session's state and says yes (with what to do) or why not.
 */
import { parseCommitWelcome, welcomeFor } from './commit-welcome.ts';
import type { InFlightProposal } from './group-view.ts';
import { proposalListProblem } from './group-view.ts';
import {
  identityUserId,
  type KeyPackageInfo,
  keyPackageProblem,
  parseKeyPackageMessage,
} from './key-package.ts';
import { CIPHERSUITE_P256, toHex } from './mls-crypto.ts';

/** What the checks need to know about the sender. */
export interface SenderState {
  userId: string;
  /** Leaf in the established group; undefined while pending. */
  leaf: number | undefined;
  /** It reported op 31 and reset its state. */
  reset: boolean;
  /** From its latest accepted key package: a commit may not change it. */
  signatureKey: Uint8Array | undefined;
}

/** What the checks need to know about the group. */
export interface GroupState {
  groupId: Uint8Array;
  established: boolean;
  /** The epoch proposals target (0 before the group exists). */
  epoch: bigint;
  proposals: readonly InFlightProposal[];
}

/** A commit that passed validation, with what it adds, removes and the Welcome for each addition. */
export interface AcceptedCommit {
  epoch: bigint;
  message: Uint8Array;
  adds: InFlightProposal[];
  removes: InFlightProposal[];
  welcomes: Map<string, Uint8Array>;
}

/** The parsed key package, or why the gateway refuses it (https://daveprotocol.com/#validation). */
export function checkKeyPackage(p: SenderState, payload: Uint8Array): KeyPackageInfo | string {
  let kp: KeyPackageInfo;
  try {
    kp = parseKeyPackageMessage(payload);
  } catch (e) {
    return (e as Error).message;
  }
  const problem = keyPackageProblem(kp, p.userId);
  if (problem) return problem;
  if (p.leaf !== undefined && !p.reset)
    return 'already a group member; a member reports op 31 before re-joining';
  return kp;
}

/** The commit to broadcast, or why it is not (https://daveprotocol.com/#voice-gateway-commit-validity). */
export function checkCommit(p: SenderState, g: GroupState, payload: Uint8Array): AcceptedCommit | string {
  const userId = p.userId;
  let parsed: ReturnType<typeof parseCommitWelcome>;
  try {
    parsed = parseCommitWelcome(payload);
  } catch (e) {
    return `unparseable: ${(e as Error).message}`;
  }
  const { commit, welcome } = parsed;
  if (toHex(commit.groupId) !== toHex(g.groupId)) return 'commit for another group';
  // First valid commit wins; commits for past or future epochs are never broadcast (#commit-ordering).
  if (commit.epoch !== g.epoch) return `commit for epoch ${commit.epoch}, not ${g.epoch}`;
  if (commit.senderLeaf === undefined) return 'commit not sent by a member';
  const expectedLeaf = g.established ? p.leaf : 0;
  if (p.reset || commit.senderLeaf !== expectedLeaf)
    return `commit from leaf ${commit.senderLeaf}, but the sender is at ${expectedLeaf ?? 'no leaf'}`;
  const listProblem = proposalListProblem(commit.proposalRefs, g.proposals, userId);
  if (listProblem) return listProblem;
  if (commit.pathLeaf) {
    if (identityUserId(commit.pathLeaf.identity) !== userId)
      return "the commit's leaf node changes the committer's credential";
    if (p.signatureKey && toHex(p.signatureKey) !== toHex(commit.pathLeaf.signatureKey))
      return "the commit's leaf node changes the committer's signature key";
  }
  const byRef = new Map(g.proposals.map((x) => [x.refHex, x]));
  const cited = commit.proposalRefs.map((r) => byRef.get(r) as InFlightProposal);
  const adds = cited.filter((x) => x.kind === 'add');
  const removes = cited.filter((x) => x.kind === 'remove');
  const welcomes = new Map<string, Uint8Array>();
  for (const add of adds) {
    const w = welcome?.cipherSuite === CIPHERSUITE_P256 && welcomeFor(welcome, add.keyPackageRefHex ?? '');
    if (!w) return `no Welcome for added member ${add.userId}`;
    welcomes.set(add.userId, w);
  }
  return { epoch: commit.epoch, message: commit.message, adds, removes, welcomes };
}
