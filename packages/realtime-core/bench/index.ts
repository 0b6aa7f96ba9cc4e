// `pnpm bench` for realtime-core: resampler speed against speex-wasm and libsamplerate-js, the
// resampler's measured quality, the Opus codec costs, the lorebook's cost per turn, and what an ensemble scene costs. Human tables plus one JSON line each.
import { runCodecBench } from './codec-bench.ts';
import { runLoreBench } from './lore-bench.ts';
import { runResamplerBench } from './resampler-bench.ts';
import { runSceneBench } from './scene-bench.ts';

await runResamplerBench();
runCodecBench();
runLoreBench();
await runSceneBench();
