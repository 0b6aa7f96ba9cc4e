import { createOpusDecoder } from '@troupe/opus';
import { describe, expect, it } from 'vitest';
import { createPlaybackEncoder, ReplyAudio } from './reply-audio.ts';

/** `ms` of a 24 kHz mono tone, as the model sends it. */
function modelAudio(ms: number, hz = 300): Int16Array {
  const n = (24000 * ms) / 1000;
  return Int16Array.from({ length: n }, (_, i) =>
    Math.round(8000 * Math.sin((2 * Math.PI * hz * i) / 24000)),
  );
}

function drain(reply: ReplyAudio): Buffer[] {
  const out: Buffer[] = [];
  for (let p = reply.nextPacket(); p; p = reply.nextPacket()) out.push(p);
  return out;
}

describe('ReplyAudio', () => {
  it('encodes just in time: nothing until a packet is asked for, one frame per packet', () => {
    const reply = new ReplyAudio('r1', createPlaybackEncoder('mono24k', 5));
    reply.pushAudio(modelAudio(200));
    expect(reply.queuedFrames).toBe(10);
    expect(reply.packetsEncoded).toBe(0);
    expect(reply.nextPacket()).toBeInstanceOf(Buffer);
    expect(reply.packetsEncoded).toBe(1);
    expect(drain(reply)).toHaveLength(9);
    expect(reply.done).toBe(false); // the model has not said the reply is complete
  });

  it('plays 24 kHz mono packets a 48 kHz stereo client decodes, with the tail frame flushed', () => {
    const reply = new ReplyAudio('r1', createPlaybackEncoder('mono24k'));
    reply.pushAudio(modelAudio(110));
    reply.finish();
    const packets = drain(reply);
    expect(packets).toHaveLength(6); // 5 full frames + the zero-padded 10 ms tail
    expect(reply.done).toBe(true);
    const client = createOpusDecoder({ sampleRate: 48000, channels: 2 });
    expect(packets.map((p) => client.decode(p)?.length)).toEqual(Array(6).fill(1920));
  });

  it('keeps the resample-to-48k-stereo format working', () => {
    const reply = new ReplyAudio('r1', createPlaybackEncoder('stereo48k'), 'stereo48k');
    reply.pushAudio(modelAudio(200));
    reply.finish();
    const client = createOpusDecoder({ sampleRate: 48000, channels: 2 });
    const packets = drain(reply);
    expect(packets.length).toBeGreaterThanOrEqual(10);
    expect(packets.every((p) => (p[0]! & 0x04) !== 0 && client.decode(p)?.length === 1920)).toBe(true);
  });

  it('refuses an encoder of the other format instead of producing garbled audio', () => {
    expect(() => new ReplyAudio('r1', createPlaybackEncoder('stereo48k'), 'mono24k')).toThrow(
      /does not match the mono24k/,
    );
  });

  it('on abort drops every queued frame without encoding it and ignores later audio', () => {
    const reply = new ReplyAudio('r1', createPlaybackEncoder('mono24k'));
    reply.pushAudio(modelAudio(1000));
    reply.nextPacket();
    reply.abort();
    reply.pushAudio(modelAudio(100));
    expect(reply.nextPacket()).toBeUndefined();
    expect(reply.packetsEncoded).toBe(1);
    expect(reply.done && reply.aborted).toBe(true);
  });

  it('reuses the channel encoder: a second reply starts from a reset encoder', () => {
    const encoder = createPlaybackEncoder('mono24k');
    const a = new ReplyAudio('r1', encoder);
    a.pushAudio(modelAudio(60));
    const first = drain(a).map((p) => p.toString('hex'));
    const b = new ReplyAudio('r2', encoder);
    b.pushAudio(modelAudio(60));
    expect(drain(b).map((p) => p.toString('hex'))).toEqual(first);
  });
});
