import { OpusBackendError, type OpusBackendInfo, opusBackend } from './backend.ts';
import { createOpusDecoder, createOpusEncoder } from './codec.ts';

/**
 * Proves the backend works before the bot serves anyone: encodes and decodes
 * 100 ms of a 440 Hz tone and requires a clean round trip.
 */
export function checkOpusBackend(): OpusBackendInfo & { snrDb: number } {
  const info = opusBackend();
  let snrDb: number;
  try {
    const encoder = createOpusEncoder({ sampleRate: 48000, channels: 2 });
    const decoder = createOpusDecoder({ sampleRate: 48000, channels: 2 });
    const frames = 10;
    const source = new Int16Array(encoder.frameSamples * frames);
    for (let i = 0; i < source.length / 2; i++) {
      const v = Math.round(10_000 * Math.sin((2 * Math.PI * 440 * i) / 48000));
      source[2 * i] = v;
      source[2 * i + 1] = v;
    }
    const decoded: Int16Array[] = [];
    for (let f = 0; f < frames; f++) {
      const packet = encoder.encode(
        source.subarray(f * encoder.frameSamples, (f + 1) * encoder.frameSamples),
      );
      const pcm = decoder.decode(packet);
      if (!pcm) throw new Error(`frame ${f} did not decode`);
      decoded.push(pcm);
    }
    snrDb = bestLagSnr(source, concat(decoded));
  } catch (err) {
    throw new OpusBackendError(
      `The Opus backend (${info.library} ${info.version}, ${info.kind}) failed its self-test: ${(err as Error).message}. ` +
        'Reinstall dependencies; if the native addon is broken on this platform, set OPUS_FORCE_WASM=1.',
      { cause: err },
    );
  }
  if (snrDb < 20) {
    throw new OpusBackendError(
      `The Opus backend (${info.library} ${info.version}, ${info.kind}) round-trips a test tone at only ${snrDb.toFixed(1)} dB SNR (need >= 20). Set OPUS_FORCE_WASM=1 to try the wasm build.`,
    );
  }
  return { ...info, snrDb };
}

function concat(parts: Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** SNR in dB after aligning for the codec's delay (searched up to 20 ms, stereo-interleaved). */
export function bestLagSnr(reference: Int16Array, decoded: Int16Array, channels = 2): number {
  let best = -Infinity;
  const skip = 960 * channels; // ignore the first frame: the encoder is still converging
  for (let lag = 0; lag <= 960 * channels; lag += channels) {
    let signal = 0;
    let noise = 0;
    for (let i = skip; i + lag < decoded.length && i < reference.length; i++) {
      const ref = reference[i] ?? 0;
      const err = (decoded[i + lag] ?? 0) - ref;
      signal += ref * ref;
      noise += err * err;
    }
    if (signal > 0) best = Math.max(best, 10 * Math.log10(signal / Math.max(noise, 1e-9)));
  }
  return best;
}
