/**
 * The gateway's view of one MLS group: who sits at which leaf, and the proposals in flight in the
 * current epoch. Pure bookkeeping; the DAVE whitepaper's "Delivery Service" keeps exactly this
 * (https://daveprotocol.com/#delivery-service).
 */

/** A proposal the gateway broadcast in the current epoch. */
export interface InFlightProposal {
  refHex: string;
  ref: Uint8Array;
  message: Uint8Array;
  kind: 'add' | 'remove';
  /** add: the member proposed; remove: the member at the removed leaf. */
  userId: string;
  /** add: hex KeyPackageRef the Welcome must cover. */
  keyPackageRefHex: string | undefined;
  /** remove: the leaf index. */
  leaf: number | undefined;
  /** Participants it was sent to: exactly they must commit it. */
  recipients: Set<string>;
  revoked: boolean;
}

/**
 * Leaf placement after a commit (RFC 9420 §12.3): Removes blank their leaves first, then each Add
 * takes the leftmost blank leaf (extending the tree when none is left), in the commit's order.
 * Truncating trailing blanks never changes which index is leftmost-blank, so the array need not
 * model tree width.
 */
export function placeLeaves(
  leaves: readonly (string | undefined)[],
  removed: readonly number[],
  added: readonly string[],
): { leaves: (string | undefined)[]; addedAt: Map<string, number> } {
  const next = [...leaves];
  for (const leaf of removed) next[leaf] = undefined;
  const addedAt = new Map<string, number>();
  for (const userId of added) {
    let at = next.indexOf(undefined);
    if (at < 0) at = next.length;
    next[at] = userId;
    addedAt.set(userId, at);
  }
  while (next.length > 0 && next[next.length - 1] === undefined) next.pop();
  return { leaves: next, addedAt };
}

/**
 * Why a commit's proposal list is not acceptable, or undefined: it must cite, by reference, every
 * unrevoked proposal sent to the committer in this epoch and nothing else
 * (https://daveprotocol.com/#voice-gateway-commit-validity).
 */
export function proposalListProblem(
  refs: readonly string[],
  inFlight: readonly InFlightProposal[],
  committer: string,
): string | undefined {
  if (refs.length === 0) return 'the commit references no proposals';
  if (new Set(refs).size !== refs.length) return 'the commit references a proposal twice';
  const expected = inFlight.filter((p) => !p.revoked && p.recipients.has(committer));
  const known = new Map(inFlight.map((p) => [p.refHex, p]));
  for (const ref of refs) {
    const p = known.get(ref);
    if (!p) return `the commit references an unknown proposal ${ref.slice(0, 16)}…`;
    if (p.revoked) return `the commit references revoked proposal ${ref.slice(0, 16)}…`;
    if (!p.recipients.has(committer)) return `the commit references a proposal never sent to the committer`;
  }
  const missing = expected.filter((p) => !refs.includes(p.refHex));
  if (missing.length > 0) return `the commit omits ${missing.length} proposal(s) broadcast in this epoch`;
  return undefined;
}
