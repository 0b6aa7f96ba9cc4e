// The room's frames → Opus → Discord, one packet per frame, encoded the moment the room hands it
// over. The model speaks 24 kHz mono; Opus packets carry their own rate and channel count (RFC 7587
// §3.4), so by default they are encoded at 24 kHz mono and any client decodes them at 48 kHz
// stereo; `stereo48k` has the room resample to 48 kHz stereo first. One encoder per channel, reset
// at each reply's first frame: never while another reply is still being encoded.
import { createOpusEncoder, type OpusEncoder, type OpusSampleRate, SILENCE_FRAME } from '@troupe/opus';
import { type FrameSink, MODEL_RATE, type OutputFormat } from '@troupe/realtime-core';

/** How model speech is encoded for Discord. */
export type PlaybackFormat = 'mono24k' | 'stereo48k';

/** The two calls of @discordjs/voice's VoiceConnection the sink uses. */
export interface OpusPacketTarget {
  playOpusPacket(packet: Buffer): unknown;
  setSpeaking(speaking: boolean): unknown;
}

const SILENCE = Buffer.from(SILENCE_FRAME);

/** The PCM format the room should hand a sink encoding in `format`. */
export function playbackOutput(format: PlaybackFormat): OutputFormat {
  return format === 'mono24k' ? { sampleRate: MODEL_RATE, channels: 1 } : { sampleRate: 48_000, channels: 2 };
}

function createPlaybackEncoder(format: PlaybackFormat, complexity?: number): OpusEncoder {
  const { sampleRate, channels } = playbackOutput(format);
  return createOpusEncoder({
    sampleRate: sampleRate as OpusSampleRate,
    channels,
    ...(complexity === undefined ? {} : { complexity }),
  });
}

export function createOpusFrameSink(
  target: OpusPacketTarget,
  format: PlaybackFormat,
  complexity?: number,
): FrameSink {
  const encoder = createPlaybackEncoder(format, complexity);
  return {
    play(frame) {
      if (frame.kind === 'silence') {
        target.playOpusPacket(SILENCE);
        return;
      }
      // A reply starts from a fresh encoder; the previous reply's last frame was encoded a tick ago.
      if (frame.index === 0) encoder.reset();
      const packet = encoder.encode(frame.pcm);
      // The encoder returns a packet we own: wrap it rather than copy it.
      target.playOpusPacket(Buffer.from(packet.buffer, packet.byteOffset, packet.byteLength));
    },
    quiet() {
      target.setSpeaking(false);
    },
  };
}
