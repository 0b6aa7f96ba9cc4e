// `pnpm bench` for realtime-core: resampler speed against speex-wasm and libsamplerate-js, the
// resampler's measured quality, and the Opus codec costs. Human tables plus one JSON line each.
import { runCodecBench } from './codec-bench.ts';
import { runResamplerBench } from './resampler-bench.ts';

await runResamplerBench();
runCodecBench();
