import { describe, expect, it } from 'vitest';
import { opusFrameMs, opusPacketProblem } from './opus-packet.ts';

const CELT20 = 31 << 3; // config 31: CELT-only, 20 ms

describe('opusPacketProblem (RFC 6716 §3.4)', () => {
  it('accepts well-formed packets of every frame-count code', () => {
    expect(opusPacketProblem(Uint8Array.of(0xf8, 0xff, 0xfe))).toBeUndefined(); // Discord's silence frame
    expect(opusPacketProblem(Uint8Array.of(CELT20))).toBeUndefined(); // a 0-byte frame (DTX) is legal
    expect(opusPacketProblem(Uint8Array.of(CELT20 | 1, 1, 2, 3, 4))).toBeUndefined();
    expect(opusPacketProblem(Uint8Array.of(CELT20 | 2, 2, 9, 9, 8))).toBeUndefined();
    expect(opusPacketProblem(Uint8Array.of(CELT20 | 3, 3, 1, 2, 3))).toBeUndefined(); // CBR, 3 × 1 byte
    expect(opusPacketProblem(Uint8Array.of(CELT20 | 3, 0xc2, 2, 1, 7, 7, 0, 0))).toBeUndefined(); // VBR + padding
  });

  it('names the rule each malformed packet breaks', () => {
    expect(opusPacketProblem(new Uint8Array(0))).toMatch(/^R1/);
    expect(opusPacketProblem(new Uint8Array(1277).fill(CELT20, 0, 1))).toMatch(/^R2/);
    expect(opusPacketProblem(Uint8Array.of(CELT20 | 1, 1, 2, 3))).toMatch(/^R3/);
    expect(opusPacketProblem(Uint8Array.of(CELT20 | 2, 9, 1))).toMatch(/^R4/);
    expect(opusPacketProblem(Uint8Array.of(CELT20 | 2, 253))).toMatch(/^R4/);
    expect(opusPacketProblem(Uint8Array.of(CELT20 | 3, 0))).toMatch(/^R5/);
    expect(opusPacketProblem(Uint8Array.of(CELT20 | 3, 7, 0, 0, 0, 0, 0, 0, 0))).toMatch(/^R5/);
    expect(opusPacketProblem(Uint8Array.of(CELT20 | 3, 2, 1, 2, 3))).toMatch(/^R6/);
    expect(opusPacketProblem(Uint8Array.of(CELT20 | 3, 0x41, 255))).toMatch(/^R6/);
    expect(opusPacketProblem(Uint8Array.of(CELT20 | 3, 0x83, 200, 1))).toMatch(/^R7/);
  });

  it('reads frame durations from the TOC configuration', () => {
    expect([0, 1, 2, 3].map((c) => opusFrameMs(c << 3))).toEqual([10, 20, 40, 60]);
    expect([12, 13].map((c) => opusFrameMs(c << 3))).toEqual([10, 20]);
    expect([16, 17, 18, 19].map((c) => opusFrameMs(c << 3))).toEqual([2.5, 5, 10, 20]);
  });
});
