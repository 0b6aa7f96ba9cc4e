// Loads @evan/opus and says honestly which build answered. opusscript 0.0.8 (prism-media's
// silent fallback) is never used: it corrupts its heap at ~21 instances in one process
// in our measurements, so a bot built on it dies at about 20 concurrent speakers.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** The native or wasm libopus binding shape we rely on. */
export interface EvanOpusModule {
  Encoder: new (options: {
    channels: 1 | 2;
    sample_rate: number;
    application?: 'voip' | 'audio' | 'restricted_lowdelay';
  }) => EvanEncoder;
  Decoder: new (options: { channels: 1 | 2; sample_rate: number }) => EvanDecoder;
}
export interface EvanEncoder {
  encode(pcm: ArrayBufferView): Uint8Array;
  /** libopus encoder CTL; returns libopus' status (0 = OK). */
  ctl(request: number, value: number): number;
}
export interface EvanDecoder {
  decode(packet: ArrayBufferView): Uint8Array;
  /** libopus decoder CTL; returns libopus' status (0 = OK). */
  ctl(request: number, value: number): number;
}

/** Which Opus implementation is in use. */
export interface OpusBackendInfo {
  library: '@evan/opus';
  kind: 'native' | 'wasm';
  version: string;
}

/** Raised when no usable Opus backend can be loaded; the message says how to fix it. */
export class OpusBackendError extends Error {
  override name = 'OpusBackendError';
}

let loaded: { module: EvanOpusModule; info: OpusBackendInfo } | undefined;

function load(): { module: EvanOpusModule; info: OpusBackendInfo } {
  if (loaded) return loaded;
  const version = (require('@evan/opus/package.json') as { version: string }).version;
  const forceWasm = Boolean(process.env.OPUS_FORCE_WASM);
  let module: EvanOpusModule | undefined;
  let kind: OpusBackendInfo['kind'] = 'wasm';
  let nativeError: unknown;
  if (!forceWasm) {
    try {
      module = require('@evan/opus/node/index.js') as EvanOpusModule;
      kind = 'native';
    } catch (err) {
      nativeError = err;
    }
  }
  if (!module) {
    try {
      module = require('@evan/opus/wasm/index.js') as EvanOpusModule;
    } catch (err) {
      throw new OpusBackendError(
        `No Opus backend could be loaded (native: ${describe(nativeError)}; wasm: ${describe(err)}). ` +
          'Reinstall dependencies with `npx -y pnpm@10.34.9 install` so @evan/opus is present.',
        { cause: err },
      );
    }
  }
  loaded = { module, info: { library: '@evan/opus', kind, version } };
  return loaded;
}

function describe(err: unknown): string {
  if (err === undefined) return 'not tried (OPUS_FORCE_WASM is set)';
  return err instanceof Error ? (err.message.split('\n')[0] ?? err.name) : String(err);
}

/** The raw binding; internal to this package. */
export function opusModule(): EvanOpusModule {
  return load().module;
}

/** Reports the backend without running it; call `checkOpusBackend()` to prove it works. */
export function opusBackend(): OpusBackendInfo {
  return { ...load().info };
}
