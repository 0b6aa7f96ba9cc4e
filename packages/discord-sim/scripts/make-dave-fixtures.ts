// Regenerates fixtures/dave/group-of-two.json: real wire bytes from @snazzah/davey 0.1.12 (an
// independent DAVE client) for a two-member group formed through this package's external sender.
// Run: npx -y pnpm@10.34.9 exec node scripts/make-dave-fixtures.ts
import { writeFileSync } from 'node:fs';
import Davey from '@snazzah/davey';
import { parseCommitWelcome, welcomeFor } from '../src/dave/commit-welcome.ts';
import { proposalsAppend } from '../src/dave/dave-messages.ts';
import {
  encodeExternalSender,
  groupIdForChannel,
  signExternalProposal,
} from '../src/dave/external-sender.ts';
import { parseKeyPackageMessage } from '../src/dave/key-package.ts';
import { generateSignatureKeyPair, toHex } from '../src/dave/mls-crypto.ts';

const channelId = '1234567890123456789';
const alice = '111111111111111111';
const bob = '222222222222222222';
const key = generateSignatureKeyPair();
const scalar = Buffer.from(key.privateKey.export({ format: 'jwk' }).d as string, 'base64url');
const externalSender = encodeExternalSender(key.publicKey);
const a = new Davey.DAVESession(1, alice, channelId);
const b = new Davey.DAVESession(1, bob, channelId);
const kpA = a.getSerializedKeyPackage();
const kpB = b.getSerializedKeyPackage();
a.setExternalSender(Buffer.from(externalSender));
b.setExternalSender(Buffer.from(externalSender));
const add = signExternalProposal(key, groupIdForChannel(channelId), 0n, {
  type: 'add',
  keyPackage: parseKeyPackageMessage(kpB).bytes,
});
const op27 = proposalsAppend([add.message]);
const result = a.processProposals(0, Buffer.from(op27.subarray(1)), [bob]);
if (!result.commit || !result.welcome) throw new Error('davey produced no commit/welcome');
const op28 = Buffer.concat([result.commit, result.welcome]);
const parsed = parseCommitWelcome(op28);
const welcomeForBob = welcomeFor(
  parsed.welcome as NonNullable<typeof parsed.welcome>,
  toHex(parseKeyPackageMessage(kpB).ref),
);
a.processCommit(Buffer.from(parsed.commit.message));
b.processWelcome(Buffer.from(welcomeForBob as Uint8Array));
const frame = a.encryptOpus(Buffer.from('fc', 'hex'));
writeFileSync(
  new URL('../fixtures/dave/group-of-two.json', import.meta.url),
  `${JSON.stringify(
    {
      source: '@snazzah/davey 0.1.12 members, this package as external sender',
      channelId,
      alice,
      bob,
      externalSenderScalar: toHex(scalar),
      externalSenderPublicKey: toHex(key.publicKey),
      externalSender: toHex(externalSender),
      keyPackageAlice: toHex(kpA),
      keyPackageBob: toHex(kpB),
      addBobProposal: toHex(add.message),
      addBobRef: toHex(add.ref),
      op27AddBob: toHex(op27),
      op28FromAlice: toHex(op28),
      welcomeForBob: toHex(welcomeForBob as Uint8Array),
      epochAfter: Number(a.epoch),
      privacyCode: a.voicePrivacyCode,
      aliceFrameOfFC: toHex(frame),
    },
    null,
    2,
  )}\n`,
);
