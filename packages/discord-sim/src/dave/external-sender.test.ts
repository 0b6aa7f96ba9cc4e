import { describe, expect, it } from 'vitest';
import {
  DEFAULT_EXTERNAL_SENDER_IDENTITY,
  encodeExternalSender,
  groupIdForChannel,
  signExternalProposal,
} from './external-sender.ts';
import { groupOfTwo as fx } from './fixture.ts';
import { generateSignatureKeyPair, MLS_10, proposalRef, verifyWithLabel } from './mls-crypto.ts';
import { TlsReader, TlsWriter } from './tls-codec.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('the voice gateway as MLS external sender', () => {
  it('op 25 payload: ExternalSender { signature_key<V>; Credential { uint16 basic = 1; identity<V> } }', () => {
    const key = fx.hex('externalSenderPublicKey');
    expect(hex(encodeExternalSender(key))).toBe(
      `4041${hex(key)}0001${'04'}${hex(DEFAULT_EXTERNAL_SENDER_IDENTITY)}`,
    );
    expect(hex(encodeExternalSender(key))).toBe(hex(fx.hex('externalSender')));
  });

  it('the group id is the channel id as a big-endian uint64', () => {
    expect(hex(groupIdForChannel('1234567890123456789'))).toBe('112210f47de98115');
  });

  it('an external Add is a PublicMessage signed over FramedContentTBS without GroupContext', () => {
    const key = generateSignatureKeyPair();
    const kp = fx.hex('keyPackageBob');
    const gid = groupIdForChannel(fx.channelId);
    const { message, ref } = signExternalProposal(key, gid, 7n, { type: 'add', keyPackage: kp });
    const r = new TlsReader(message);
    expect(r.u16()).toBe(MLS_10);
    expect(r.u16()).toBe(1); // mls_public_message
    const contentStart = r.offset;
    expect(hex(r.opaque())).toBe(hex(gid));
    expect(r.u64()).toBe(7n);
    expect(r.u8()).toBe(2); // SenderType external
    expect(r.u32()).toBe(0); // index into external_senders
    expect(r.opaque().length).toBe(0); // authenticated_data
    expect(r.u8()).toBe(2); // ContentType proposal
    expect(r.u16()).toBe(1); // ProposalType add
    expect(hex(r.raw(kp.length))).toBe(hex(kp));
    const content = r.since(contentStart);
    const signature = r.opaque();
    r.end('external proposal (no membership_tag for an external sender)');
    const tbs = new TlsWriter().u16(1).u16(1).raw(content).bytes();
    expect(verifyWithLabel(key.publicKey, 'FramedContentTBS', tbs, signature)).toBe(true);
    const authenticated = new TlsWriter().u16(1).raw(content).opaque(signature).bytes();
    expect(hex(ref)).toBe(hex(proposalRef(authenticated)));
  });

  it('an external Remove carries the leaf index as uint32', () => {
    const key = generateSignatureKeyPair();
    const { message } = signExternalProposal(key, groupIdForChannel('1'), 3n, {
      type: 'remove',
      leafIndex: 5,
    });
    const r = new TlsReader(message);
    r.u16();
    r.u16();
    r.opaque();
    r.u64();
    r.u8();
    r.u32();
    r.opaque();
    expect(r.u8()).toBe(2);
    expect(r.u16()).toBe(3); // ProposalType remove
    expect(r.u32()).toBe(5);
  });

  it('the fixture proposal (accepted by davey) verifies with the fixture gateway key', () => {
    const r = new TlsReader(fx.hex('addBobProposal'));
    r.u16();
    r.u16();
    const start = r.offset;
    r.opaque();
    r.u64();
    r.raw(5);
    r.opaque();
    r.u8();
    r.u16();
    r.raw(fx.hex('keyPackageBob').length);
    const content = r.since(start);
    const tbs = new TlsWriter().u16(1).u16(1).raw(content).bytes();
    expect(verifyWithLabel(fx.hex('externalSenderPublicKey'), 'FramedContentTBS', tbs, r.opaque())).toBe(
      true,
    );
  });
});
