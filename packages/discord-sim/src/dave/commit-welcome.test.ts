import { describe, expect, it } from 'vitest';
import { parseCommitWelcome, welcomeFor } from './commit-welcome.ts';
import { groupOfTwo as fx } from './fixture.ts';
import { parseKeyPackageMessage } from './key-package.ts';
import { toHex } from './mls-crypto.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('op 28 commit and welcome from a real DAVE client', () => {
  const op28 = fx.hex('op28FromAlice');
  const { commit, welcome } = parseCommitWelcome(op28);

  it('reads the initial commit: PublicMessage at epoch 0 from leaf 0, citing the Add by reference', () => {
    expect(hex(commit.groupId)).toBe('112210f47de98115');
    expect(commit.epoch).toBe(0n);
    expect(commit.senderType).toBe(1);
    expect(commit.senderLeaf).toBe(0);
    expect(commit.proposalRefs).toEqual([fx.string('addBobRef')]);
    expect(commit.inlineProposals).toBe(0);
    expect(commit.pathLeaf).toBeUndefined(); // an Add-only commit needs no UpdatePath
    expect(hex(op28.subarray(0, commit.message.length))).toBe(hex(commit.message));
  });

  it('splits the Welcome per new member, as op 30 delivers it', () => {
    expect(welcome?.cipherSuite).toBe(2);
    const bobRef = toHex(parseKeyPackageMessage(fx.hex('keyPackageBob')).ref);
    expect(welcome?.secrets.map((s) => s.newMember)).toEqual([bobRef]);
    const forBob = welcomeFor(welcome as NonNullable<typeof welcome>, bobRef);
    expect(hex(forBob as Uint8Array)).toBe(hex(fx.hex('welcomeForBob')));
    expect(welcomeFor(welcome as NonNullable<typeof welcome>, '00'.repeat(32))).toBeUndefined();
  });

  it('accepts a Welcome wrapped in an MLSMessage (whitepaper text before 1.1.2)', () => {
    const welcomeBytes = op28.subarray(commit.message.length);
    const wrapped = new Uint8Array([...commit.message, 0x00, 0x01, 0x00, 0x03, ...welcomeBytes]);
    expect(parseCommitWelcome(wrapped).welcome?.secrets.length).toBe(1);
  });

  it('a commit alone (no adds) has no Welcome; garbage and cut-off payloads throw', () => {
    expect(parseCommitWelcome(commit.message).welcome).toBeUndefined();
    expect(() => parseCommitWelcome(op28.subarray(0, 40))).toThrow(/truncated/);
    expect(() => parseCommitWelcome(new Uint8Array([0, 1, 0, 2, 1, 2, 3]))).toThrow(/not a PublicMessage/);
    expect(() => parseCommitWelcome(new Uint8Array([...op28, 0]))).toThrow(/trailing/);
  });

  it('refuses a commit that carries a proposal by value', () => {
    const bytes = commit.message.slice();
    // The proposals vector starts right after content_type (3): turn ProposalOrRef.type 2 into 1.
    const at = Buffer.from(bytes).indexOf(Buffer.from(`0322${'02'}20`, 'hex'));
    expect(at).toBeGreaterThan(0);
    bytes[at + 2] = 1;
    expect(() => parseCommitWelcome(bytes)).toThrow(/by value/);
  });
});
