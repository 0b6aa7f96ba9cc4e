import { createOpusDecoder, createOpusEncoder, opusBackend } from '@troupe/opus';
import { type Candidate, printTable, speechLike, timeInterleaved } from './harness.ts';

/** Opus cost per 20 ms frame on the bot's two paths: decode to the model rate, encode for Discord. */
export function runCodecBench(): void {
  const pcm48 = speechLike(48000, 1, 2);
  const enc = createOpusEncoder({ sampleRate: 48000, channels: 2 });
  const packets: Uint8Array[] = [];
  for (let f = 0; f < 50; f++) packets.push(enc.encode(pcm48.subarray(f * 1920, (f + 1) * 1920)));
  let i = 0;
  const next = () => packets[i++ % packets.length]!;
  const dec48 = createOpusDecoder({ sampleRate: 48000, channels: 2 });
  const dec24 = createOpusDecoder({ sampleRate: 24000, channels: 1 });
  const enc10 = createOpusEncoder({ sampleRate: 48000, channels: 2, complexity: 10 });
  const enc5 = createOpusEncoder({ sampleRate: 48000, channels: 2, complexity: 5 });
  let j = 0;
  const frame = () => pcm48.subarray((j++ % 50) * 1920, (j % 50 || 50) * 1920);
  const candidates: Candidate[] = [
    { name: 'decode → 48 kHz stereo', run: () => dec48.decode(next()) },
    { name: 'decode → 24 kHz mono (model rate)', run: () => dec24.decode(next()) },
    { name: 'encode 48 kHz stereo, complexity 10', run: () => enc10.encode(frame()) },
    { name: 'encode 48 kHz stereo, complexity 5', run: () => enc5.encode(frame()) },
  ];
  const times = timeInterleaved(candidates, 300, 9);
  const backend = opusBackend();
  printTable(
    `Opus cost per 20 ms frame (${backend.library} ${backend.version}, ${backend.kind}; 64 kb/s speech-like signal)`,
    ['operation', 'µs/frame', 'streams/core'],
    [...times].map(([name, us]) => [name, us, String(Math.floor(20_000 / us))]),
  );
  console.log(
    JSON.stringify({
      bench: 'opus-codec',
      backend,
      unit: 'us_per_20ms_frame',
      results: Object.fromEntries(times),
    }),
  );
}
