import { EventEmitter } from 'node:events';
import type { VoiceConnection } from '@discordjs/voice';
import { describe, expect, it } from 'vitest';
import { admitReceivedFrame, e2eeSink, e2eeStatus, looksLikeDaveFrame, waitForE2ee } from './e2ee.ts';

/** A connection whose networking carries a DAVE session wrapper like @discordjs/voice 0.19.2's. */
function connection(dave: { protocolVersion: number; ready: boolean } | undefined) {
  const sent: Buffer[] = [];
  const session = dave && {
    ready: dave.ready,
    epoch: 3n,
    voicePrivacyCode: '123456789012345678901234567890',
  };
  const c = Object.assign(new EventEmitter(), {
    state: {
      status: 'ready',
      networking: { state: { dave: dave && { protocolVersion: dave.protocolVersion, session } } },
    },
    playOpusPacket: (p: Buffer) => sent.push(p),
    setSpeaking: () => {},
  });
  return { c, conn: c as unknown as VoiceConnection, sent, session };
}

// A DAVE Opus frame: ciphertext, 8-byte tag, ULEB128 nonce, size byte (12), 0xFAFA.
const daveFrame = Buffer.from([0xaa, 0xbb, ...new Array(8).fill(1), 0x05, 12, 0xfa, 0xfa]);
const opus = Buffer.from([0xfc, 0x01, 0x02, 0x03]);
const silence = Buffer.from([0xf8, 0xff, 0xfe]);

describe('E2EE gates on a voice connection', () => {
  it('reads the DAVE state: negotiated, ready, privacy code and epoch', () => {
    expect(e2eeStatus(connection(undefined).conn)).toMatchObject({ negotiated: false, ready: false });
    expect(e2eeStatus(connection({ protocolVersion: 0, ready: false }).conn).negotiated).toBe(false);
    expect(e2eeStatus(connection({ protocolVersion: 1, ready: false }).conn)).toMatchObject({
      negotiated: true,
      ready: false,
      privacyCode: undefined,
    });
    expect(e2eeStatus(connection({ protocolVersion: 1, ready: true }).conn)).toMatchObject({
      ready: true,
      privacyCode: '123456789012345678901234567890',
      epoch: 3n,
    });
  });

  it('recognises DAVE protocol frames by marker and size', () => {
    expect(looksLikeDaveFrame(daveFrame)).toBe(true);
    expect(looksLikeDaveFrame(opus)).toBe(false);
    expect(looksLikeDaveFrame(Buffer.from([...daveFrame.subarray(0, -3), 40, 0xfa, 0xfa]))).toBe(false);
  });

  it('withholds audio (never silence) while the group is missing, and sends it once it exists', () => {
    const { conn, sent, session } = connection({ protocolVersion: 1, ready: false });
    const sink = e2eeSink(conn);
    sink.playOpusPacket(opus);
    sink.playOpusPacket(silence);
    expect(sent).toEqual([silence]);
    expect(sink.withheld).toBe(1);
    if (session) session.ready = true;
    sink.playOpusPacket(opus);
    expect(sent).toEqual([silence, opus]);
    // Calls without DAVE are unaffected.
    const plain = connection(undefined);
    e2eeSink(plain.conn).playOpusPacket(opus);
    expect(plain.sent).toEqual([opus]);
  });

  it('keeps still-encrypted frames away from the decoder until the bot has a group', () => {
    const pending = connection({ protocolVersion: 1, ready: false }).conn;
    expect(admitReceivedFrame(pending, daveFrame)).toBe(false);
    expect(admitReceivedFrame(pending, opus)).toBe(true);
    expect(admitReceivedFrame(connection({ protocolVersion: 1, ready: true }).conn, daveFrame)).toBe(true);
  });

  it('waits for the transition that makes the group live, or times out', async () => {
    const { c, conn, session } = connection({ protocolVersion: 1, ready: false });
    const waiting = waitForE2ee(conn, 5000);
    if (session) session.ready = true;
    c.emit('transitioned', 1);
    expect(await waiting).toBe(true);
    expect(await waitForE2ee(connection({ protocolVersion: 1, ready: false }).conn, 10)).toBe(false);
    expect(await waitForE2ee(connection(undefined).conn, 10)).toBe(true);
  });
});
