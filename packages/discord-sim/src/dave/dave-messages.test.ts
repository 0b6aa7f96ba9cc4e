import { describe, expect, it } from 'vitest';
import {
  decodeClientBinary,
  decodeServerBinary,
  encodeClientBinary,
  encodeServerBinary,
  proposalsAppend,
  proposalsRevoke,
  splitTransitionId,
  transitionIdOf,
  withTransitionId,
} from './dave-messages.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const bytes = (h: string) => new Uint8Array(Buffer.from(h, 'hex'));

describe('DAVE voice gateway frames', () => {
  it('server binary frames are uint16 sequence, uint8 opcode, payload', () => {
    expect(hex(encodeServerBinary(0x1234, 25, bytes('aabb')))).toBe('123419aabb');
    expect(decodeServerBinary(bytes('ffff1d00'))).toEqual({ seq: 65535, op: 29, payload: bytes('00') });
    expect(() => decodeServerBinary(bytes('0001'))).toThrow(/no header/);
  });

  it('client binary frames are uint8 opcode, payload (no sequence), only opcodes 26 and 28', () => {
    expect(hex(encodeClientBinary(26, bytes('0102')))).toBe('1a0102');
    expect(decodeClientBinary(bytes('1c0102'))).toEqual({ op: 28, payload: bytes('0102') });
    expect(() => decodeClientBinary(new Uint8Array(0))).toThrow(/empty/);
    expect(() => decodeClientBinary(bytes('1b00'))).toThrow(/not a client binary opcode/);
  });

  it('op 27 append is operation 0 then MLSMessage proposal_messages<V>; revoke is 1 then ProposalRef<V>', () => {
    expect(hex(proposalsAppend([bytes('aa'), bytes('bbcc')]))).toBe('0003aabbcc');
    expect(hex(proposalsRevoke([bytes('11'.repeat(32))]))).toBe(`012120${'11'.repeat(32)}`);
  });

  it('op 29/30 payloads start with a uint16 transition id', () => {
    const p = withTransitionId(0x0102, bytes('ff'));
    expect(hex(p)).toBe('0102ff');
    expect(splitTransitionId(p)).toEqual({ transitionId: 0x0102, message: bytes('ff') });
  });

  it('JSON transition ids are integers 0..65535', () => {
    expect(transitionIdOf({ transition_id: 0 })).toBe(0);
    expect(transitionIdOf({ transition_id: 65535 })).toBe(65535);
    expect(transitionIdOf({ transition_id: -1 })).toBeUndefined();
    expect(transitionIdOf({ transition_id: '3' })).toBeUndefined();
    expect(transitionIdOf(null)).toBeUndefined();
  });
});
