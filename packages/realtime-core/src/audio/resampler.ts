import { DEFAULT_TARGETS, type DesignTargets, designFilter, type FilterSpec } from './kaiser-design.ts';
import { PolyphaseChannel } from './polyphase.ts';
import { kernelRuntime } from './wasm/kernel.ts';
import { createWasmCore, type ResamplerCore } from './wasm/wasm-polyphase.ts';

/** Which kernel runs the filter: the WebAssembly SIMD one, or the portable JS one. */
export type ResamplerBackend = 'wasm-simd' | 'js';

export interface ResamplerOptions {
  inputRate: number;
  outputRate: number;
  inputChannels: 1 | 2;
  outputChannels: 1 | 2;
  /** Override the quality bar (tests and benchmarks); the default meets the project's spec. */
  targets?: DesignTargets;
  /**
   * `auto` (default) uses wasm SIMD where the runtime supports it, else JS; naming a backend
   * forces it (and throws if wasm SIMD is unavailable).
   */
  backend?: 'auto' | ResamplerBackend;
}

/** A streaming, stateful resampler of interleaved PCM16. */
export interface Resampler {
  /** Resamples a chunk; any chunking of a stream gives the same output, sample for sample. */
  push(input: Int16Array): Int16Array;
  /** Emits the samples still held in the filter (the tail of the stream) and resets. */
  flush(): Int16Array;
  reset(): void;
  /** Latency of the filter, in output samples per channel. */
  readonly delay: number;
}

/** What `createResampler` returns: a Resampler that also says how it runs. */
export interface PolyphaseResampler extends Resampler {
  /** The kernel in use; `passthrough` when the rates are equal and nothing is filtered. */
  readonly backend: ResamplerBackend | 'passthrough';
  /** Bytes of state owned by this stream (coefficient tables and scratch are shared). */
  readonly stateBytes: number;
}

const SUPPORTED = new Set([8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000]);

function toInt16(x: number): number {
  const r = Math.round(x);
  return r > 32767 ? 32767 : Math.max(r, -32768);
}

/**
 * Creates a resampler. Stereo→mono averages the channels before filtering and mono→stereo
 * duplicates after, so a 48 kHz stereo ↔ 24 kHz mono path filters one channel, not two.
 */
export function createResampler(options: ResamplerOptions): PolyphaseResampler {
  const { inputRate, outputRate, inputChannels, outputChannels } = options;
  for (const rate of [inputRate, outputRate]) {
    if (!SUPPORTED.has(rate)) throw new RangeError(`unsupported sample rate ${rate} Hz`);
  }
  if (inputChannels !== 1 && inputChannels !== 2) throw new RangeError('inputChannels must be 1 or 2');
  if (outputChannels !== 1 && outputChannels !== 2) throw new RangeError('outputChannels must be 1 or 2');
  if (inputRate === outputRate) return passThrough(inputChannels, outputChannels);
  const spec = designFilter(inputRate, outputRate, options.targets ?? DEFAULT_TARGETS);
  const wanted = options.backend ?? 'auto';
  const rt = wanted === 'js' ? null : kernelRuntime();
  if (wanted === 'wasm-simd' && !rt) throw new Error('WebAssembly SIMD is not available here');
  const backend: ResamplerBackend = rt ? 'wasm-simd' : 'js';
  const core = rt
    ? createWasmCore(rt, spec, inputChannels, outputChannels)
    : createJsCore(spec, inputChannels, outputChannels);
  const delay = Math.round((spec.delayInput * outputRate) / inputRate);

  function push(input: Int16Array): Int16Array {
    if (input.length % inputChannels !== 0) {
      throw new RangeError(
        `input length ${input.length} is not a whole number of ${inputChannels}-channel frames`,
      );
    }
    return core.push(input, input.length / inputChannels);
  }

  return {
    backend,
    stateBytes: core.stateBytes,
    delay,
    push,
    flush() {
      // Enough silence to push the last real sample through the filter's centre.
      const tail = push(new Int16Array(Math.ceil(spec.delayInput + 1) * inputChannels));
      core.reset();
      return tail;
    },
    reset() {
      core.reset();
    },
  };
}

/** The portable backend: JS float kernel per filtered channel. */
function createJsCore(spec: FilterSpec, inputChannels: 1 | 2, outputChannels: 1 | 2): ResamplerCore {
  const filtered = inputChannels === 2 && outputChannels === 2 ? 2 : 1;
  const channels = Array.from({ length: filtered }, () => new PolyphaseChannel(spec));
  let scratch = new Float32Array(960);
  let outBuf = new Float32Array(2048);

  function deinterleave(input: Int16Array, channel: number): Float32Array {
    const frames = input.length / inputChannels;
    if (scratch.length < frames) scratch = new Float32Array(frames * 2);
    const s = scratch.subarray(0, frames);
    if (inputChannels === 1) for (let i = 0; i < frames; i++) s[i] = input[i]!;
    else if (filtered === 1)
      for (let i = 0; i < frames; i++) s[i] = (input[2 * i]! + input[2 * i + 1]!) * 0.5;
    else for (let i = 0; i < frames; i++) s[i] = input[2 * i + channel]!;
    return s;
  }

  return {
    get stateBytes() {
      return channels.reduce((n, ch) => n + ch.stateBytes, 0) + scratch.byteLength + outBuf.byteLength;
    },
    push(input, frames) {
      const count = channels[0]!.outputCount(frames);
      if (outBuf.length < count * filtered) outBuf = new Float32Array(count * filtered * 2);
      for (let c = 0; c < filtered; c++) channels[c]!.process(deinterleave(input, c), outBuf, c, filtered);
      const out = new Int16Array(count * outputChannels);
      if (outputChannels === filtered) {
        for (let i = 0; i < out.length; i++) out[i] = toInt16(outBuf[i]!);
      } else {
        for (let i = 0; i < count; i++) {
          const v = toInt16(outBuf[i]!);
          out[2 * i] = v;
          out[2 * i + 1] = v;
        }
      }
      return out;
    },
    reset() {
      for (const ch of channels) ch.reset();
    },
  };
}

function passThrough(inputChannels: 1 | 2, outputChannels: 1 | 2): PolyphaseResampler {
  const convert = (input: Int16Array): Int16Array => {
    if (inputChannels === outputChannels) return input.slice();
    return inputChannels === 2 ? downmixToMono(input) : upmixToStereo(input);
  };
  return {
    backend: 'passthrough',
    stateBytes: 0,
    delay: 0,
    push: convert,
    flush: () => new Int16Array(0),
    reset() {},
  };
}

/** Averages interleaved stereo into mono. */
export function downmixToMono(stereo: Int16Array): Int16Array {
  const out = new Int16Array(stereo.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = (stereo[2 * i]! + stereo[2 * i + 1]!) >> 1;
  return out;
}

/** Duplicates mono into interleaved stereo. */
export function upmixToStereo(mono: Int16Array): Int16Array {
  const out = new Int16Array(mono.length * 2);
  for (let i = 0; i < mono.length; i++) {
    out[2 * i] = mono[i]!;
    out[2 * i + 1] = mono[i]!;
  }
  return out;
}
