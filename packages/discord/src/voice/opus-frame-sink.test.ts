import { createOpusDecoder, SILENCE_FRAME } from '@troupe/opus';
import type { AudioFrame, OutputFrame } from '@troupe/realtime-core';
import { describe, expect, it } from 'vitest';
import { createOpusFrameSink, playbackOutput } from './opus-frame-sink.ts';

/** `ms` of a tone in the given output format, as 20 ms frames of one reply. */
function reply(id: string, ms: number, format: 'mono24k' | 'stereo48k', hz = 300): AudioFrame[] {
  const { sampleRate, channels } = playbackOutput(format);
  const perFrame = (sampleRate / 50) * channels;
  return Array.from({ length: ms / 20 }, (_, index) => ({
    kind: 'audio' as const,
    responseId: id,
    character: 'Mara',
    index,
    sampleRate,
    channels,
    pcm: Int16Array.from({ length: perFrame }, (_, i) =>
      Math.round(8000 * Math.sin((2 * Math.PI * hz * (index * perFrame + i)) / channels / sampleRate)),
    ),
  }));
}

function target() {
  const packets: Buffer[] = [];
  const speaking: boolean[] = [];
  return {
    packets,
    speaking,
    playOpusPacket: (p: Buffer) => packets.push(p),
    setSpeaking: (on: boolean) => speaking.push(on),
  };
}

describe('Opus frame sink', () => {
  it('encodes each frame as it is handed over: 24 kHz mono packets a 48 kHz stereo client decodes', () => {
    const t = target();
    const sink = createOpusFrameSink(t, 'mono24k', 5);
    for (const f of reply('r1', 120, 'mono24k')) sink.play(f);
    expect(t.packets).toHaveLength(6);
    const client = createOpusDecoder({ sampleRate: 48000, channels: 2 });
    expect(t.packets.map((p) => client.decode(p)?.length)).toEqual(Array(6).fill(1920));
  });

  it('sends Discord’s silence frame for silence, and clears the speaking flag when quiet', () => {
    const t = target();
    const sink = createOpusFrameSink(t, 'mono24k');
    const { sampleRate, channels } = playbackOutput('mono24k');
    const silence: OutputFrame = {
      kind: 'silence',
      cause: 'trailing',
      pcm: new Int16Array(480),
      sampleRate,
      channels,
    };
    sink.play(silence);
    sink.quiet();
    expect(t.packets.map((p) => [...p])).toEqual([[...SILENCE_FRAME]]);
    expect(t.speaking).toEqual([false]);
  });

  it('keeps the resample-to-48k-stereo format: stereo packets', () => {
    const t = target();
    const sink = createOpusFrameSink(t, 'stereo48k');
    for (const f of reply('r1', 200, 'stereo48k')) sink.play(f);
    const client = createOpusDecoder({ sampleRate: 48000, channels: 2 });
    expect(t.packets.every((p) => (p[0]! & 0x04) !== 0 && client.decode(p)?.length === 1920)).toBe(true);
  });

  it('resets the encoder at a reply’s first frame: each reply encodes as if alone, whatever came before', () => {
    const alone = target();
    const fresh = createOpusFrameSink(alone, 'mono24k');
    for (const f of reply('r2', 100, 'mono24k', 500)) fresh.play(f);
    const after = target();
    const used = createOpusFrameSink(after, 'mono24k');
    for (const f of [...reply('r1', 100, 'mono24k'), ...reply('r2', 100, 'mono24k', 500)]) used.play(f);
    expect(after.packets.slice(5).map((p) => p.toString('hex'))).toEqual(
      alone.packets.map((p) => p.toString('hex')),
    );
  });
});
