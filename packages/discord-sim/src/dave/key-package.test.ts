import { describe, expect, it } from 'vitest';
import { groupOfTwo as fx } from './fixture.ts';
import { identityUserId, keyPackageProblem, parseKeyPackageMessage, userIdentity } from './key-package.ts';
import { keyPackageRef } from './mls-crypto.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('key packages (op 26) from a real DAVE client', () => {
  const kp = parseKeyPackageMessage(fx.hex('keyPackageBob'));

  it('parses davey’s bare KeyPackage: mls10, ciphersuite 2, basic credential = user id, max lifetime', () => {
    expect(kp.version).toBe(1);
    expect(kp.cipherSuite).toBe(2);
    expect(kp.leaf.credentialType).toBe(1);
    expect(identityUserId(kp.leaf.identity)).toBe(fx.bob);
    expect(kp.leaf.source).toBe('key_package');
    expect(kp.leaf.lifetime).toEqual({ notBefore: 0n, notAfter: 2n ** 64n - 1n });
    expect(kp.leaf.signatureKey.length).toBe(65);
    expect(hex(kp.bytes)).toBe(hex(fx.hex('keyPackageBob')));
    expect(kp.ref).toEqual(keyPackageRef(kp.bytes));
    expect(keyPackageProblem(kp, fx.bob)).toBeUndefined();
  });

  it('accepts the MLSMessage-wrapped form the whitepaper describes (version, wire_format 5)', () => {
    const wrapped = new Uint8Array([0x00, 0x01, 0x00, 0x05, ...fx.hex('keyPackageBob')]);
    expect(hex(parseKeyPackageMessage(wrapped).bytes)).toBe(hex(kp.bytes));
  });

  it('refuses a key package sent by someone else, or with any byte of its signed content changed', () => {
    expect(keyPackageProblem(kp, fx.alice)).toMatch(
      /identity 222222222222222222 is not the sender 111111111111111111/,
    );
    const bytes = fx.hex('keyPackageBob');
    bytes[10] = (bytes[10] ?? 0) ^ 0x01; // inside init_key: the key package signature no longer verifies
    expect(keyPackageProblem(parseKeyPackageMessage(bytes), fx.bob)).toMatch(/key package signature/);
  });

  it('refuses a leaf whose lifetime is not the full span', () => {
    const bytes = fx.hex('keyPackageBob');
    // Lifetime { not_before = 0; not_after = 2^64-1 }: lower not_after by one.
    const at = Buffer.from(bytes).indexOf(Buffer.from('0000000000000000ffffffffffffffff', 'hex'));
    expect(at).toBeGreaterThan(0);
    bytes[at + 15] = 0xfe;
    expect(keyPackageProblem(parseKeyPackageMessage(bytes), fx.bob)).toMatch(/lifetime/);
  });

  it('throws a decode error for truncated or trailing bytes', () => {
    const bytes = fx.hex('keyPackageBob');
    expect(() => parseKeyPackageMessage(bytes.subarray(0, 50))).toThrow(/truncated/);
    expect(() => parseKeyPackageMessage(new Uint8Array([...bytes, 0]))).toThrow(/trailing/);
  });

  it('the identity of a snowflake is its big-endian uint64', () => {
    expect(hex(userIdentity('1090123456789012345'))).toBe('0f20e5821b3adf79');
    expect(identityUserId(userIdentity('1090123456789012345'))).toBe('1090123456789012345');
    expect(identityUserId(new Uint8Array(4))).toBeUndefined();
  });
});
