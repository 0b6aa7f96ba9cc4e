/**
 * Forms an established DAVE group of davey sessions through this package's external sender,
 * in-process and synchronously: the first member commits the others' Add proposals and welcomes
 * them. For benches and tests that need members who can encrypt and decrypt for each other.
 */
import Davey, { type DAVESession } from '@snazzah/davey';
import { parseCommitWelcome, welcomeFor } from './commit-welcome.ts';
import { proposalsAppend } from './dave-messages.ts';
import { encodeExternalSender, groupIdForChannel, signExternalProposal } from './external-sender.ts';
import { parseKeyPackageMessage } from './key-package.ts';
import { DAVE_PROTOCOL_VERSION } from './media-session.ts';
import { generateSignatureKeyPair, toHex } from './mls-crypto.ts';

/** `userIds[0]` creates the group and adds the rest; returns the sessions in the same order. */
export function formDaveGroup(userIds: readonly string[], channelId = '1000000000000000001'): DAVESession[] {
  if (userIds.length < 2) throw new RangeError('a DAVE group needs at least two members');
  const key = generateSignatureKeyPair();
  const externalSender = Buffer.from(encodeExternalSender(key.publicKey));
  const sessions = userIds.map((u) => new Davey.DAVESession(DAVE_PROTOCOL_VERSION, u, channelId));
  const keyPackages = sessions.map((s) => parseKeyPackageMessage(s.getSerializedKeyPackage()));
  for (const s of sessions) s.setExternalSender(externalSender);
  const [creator, ...joiners] = sessions as [DAVESession, ...DAVESession[]];
  const adds = keyPackages
    .slice(1)
    .map((kp) =>
      signExternalProposal(key, groupIdForChannel(channelId), 0n, { type: 'add', keyPackage: kp.bytes }),
    );
  const op27 = proposalsAppend(adds.map((a) => a.message));
  const result = creator.processProposals(0, Buffer.from(op27.subarray(1)), [...userIds]);
  if (!result.commit || !result.welcome) throw new Error('formDaveGroup: the creator produced no commit');
  const { commit, welcome } = parseCommitWelcome(Buffer.concat([result.commit, result.welcome]));
  if (!welcome) throw new Error('formDaveGroup: no Welcome');
  creator.processCommit(Buffer.from(commit.message));
  for (const [i, s] of joiners.entries()) {
    const mine = welcomeFor(welcome, toHex((keyPackages[i + 1] as (typeof keyPackages)[number]).ref));
    if (!mine) throw new Error('formDaveGroup: the Welcome misses a member');
    s.processWelcome(Buffer.from(mine));
  }
  return sessions;
}
