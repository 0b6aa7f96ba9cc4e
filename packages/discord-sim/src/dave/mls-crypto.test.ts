import { describe, expect, it } from 'vitest';
import {
  generateSignatureKeyPair,
  keyPackageRef,
  refHash,
  signatureKeyPairFromScalar,
  signContent,
  signWithLabel,
  verifyWithLabel,
} from './mls-crypto.ts';
import { TlsReader } from './tls-codec.ts';

const bytes = (h: string) => new Uint8Array(Buffer.from(h, 'hex'));
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

// RFC 9420 test vectors, ciphersuite 2 (github.com/mlswg/mls-implementations,
// test-vectors/crypto-basics.json). Keys there are serialized as opaque<V>.
const vector = {
  refHash: {
    label: 'RefHash',
    value: 'cf921070e3df7ba6686b3ed0d1e5c842a5595efb67d125d419823f3805bec385',
    out: '8ef2cedff1197a7c2145f5e6f57e1f114cee4511c196f83ca4c26d4e9fa5a3e7',
  },
  signWithLabel: {
    content: 'ad516cbb32ac5540b7a72ebb77767bb0802adf0825aec91b895e42f22dcfbe5a',
    label: 'SignWithLabel',
    priv: '20dfd217b219cfbb7b133aa5ce1cb72404f87b46f8c8fab0d37543db13adb2a14f',
    pub: '404104c34a23c7884124df356b402f32d1ae210e0ca2822a5690fb9b29ec25672d4255f4cb3b9ac86f387c8f5b9f8594305856bbc4354e28e930ad38163f0adb82af7d',
    signature:
      '3044022036fec778d5fdee4b2807152ad2aaad6cf3c9f37e61e08c2739bb13bacd760ad1022023ab960430c9ef89a90de9d7449018c7c61269f538cdeb96a5d89fe96416e08d',
  },
};

describe('ciphersuite 2 primitives against the RFC 9420 test vectors', () => {
  it('RefHash matches crypto-basics.json', () => {
    expect(hex(refHash(vector.refHash.label, bytes(vector.refHash.value)))).toBe(vector.refHash.out);
  });

  it('VerifyWithLabel accepts the vector signature and rejects a changed label or content', () => {
    const v = vector.signWithLabel;
    const pub = new TlsReader(bytes(v.pub)).opaque();
    expect(verifyWithLabel(pub, v.label, bytes(v.content), bytes(v.signature))).toBe(true);
    expect(verifyWithLabel(pub, 'KeyPackageTBS', bytes(v.content), bytes(v.signature))).toBe(false);
    const other = bytes(v.content);
    other[0] = (other[0] ?? 0) ^ 1;
    expect(verifyWithLabel(pub, v.label, other, bytes(v.signature))).toBe(false);
  });

  it('SignWithLabel with the vector key produces a DER signature the vector public key verifies', () => {
    const v = vector.signWithLabel;
    const pub = new TlsReader(bytes(v.pub)).opaque();
    const key = signatureKeyPairFromScalar(new TlsReader(bytes(v.priv)).opaque(), pub);
    const sig = signWithLabel(key, v.label, bytes(v.content));
    expect(sig[0]).toBe(0x30); // DER SEQUENCE (RFC 9420 §5.1.2: ECDSA signatures are DER-encoded)
    expect(verifyWithLabel(pub, v.label, bytes(v.content), sig)).toBe(true);
  });

  it('SignContent is label<V> = "MLS 1.0 " + Label, then content<V>', () => {
    expect(hex(signContent('X', bytes('abcd')))).toBe(
      `09${hex(new TextEncoder().encode('MLS 1.0 X'))}02abcd`,
    );
  });

  it('a generated key is a 65-byte uncompressed point; garbage keys and signatures verify false', () => {
    const key = generateSignatureKeyPair();
    expect(key.publicKey.length).toBe(65);
    expect(key.publicKey[0]).toBe(4);
    const sig = signWithLabel(key, 'L', bytes('00'));
    expect(verifyWithLabel(new Uint8Array(65), 'L', bytes('00'), sig)).toBe(false);
    expect(verifyWithLabel(key.publicKey, 'L', bytes('00'), bytes('3000'))).toBe(false);
  });

  it('KeyPackageRef is RefHash with the "MLS 1.0 KeyPackage Reference" label', () => {
    expect(keyPackageRef(bytes('00'))).toEqual(refHash('MLS 1.0 KeyPackage Reference', bytes('00')));
  });
});
