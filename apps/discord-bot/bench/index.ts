// `pnpm bench` for the bot: per-frame costs against the typical peer path, conversation fidelity
// (pauses as a real client sends them), then the load ramp.
// Human tables plus one JSON line per benchmark ({"bench":...}), like every package's bench.
// The resampler quality/speed bench lives in packages/realtime-core/bench and runs under the
// root `pnpm bench`; BENCH_RESAMPLER=1 also runs it from here (no duplicate implementation).
import { runFidelity } from './fidelity.ts';
import { runFrameCosts } from './frame-costs.ts';
import { runLoad } from './load.ts';

const env = process.env;
runFrameCosts({ rounds: Number(env.BENCH_ROUNDS ?? 9), runs: Number(env.BENCH_RUNS ?? 500) });

if (env.BENCH_FIDELITY !== '0') await runFidelity();

if (env.BENCH_RESAMPLER === '1') {
  // Non-literal specifier: the core bench is type-checked by its own package, not this one.
  const specifier = '../../../packages/realtime-core/bench/resampler-bench.ts';
  const { runResamplerBench } = (await import(specifier)) as { runResamplerBench: () => Promise<void> };
  await runResamplerBench();
}

if (env.BENCH_LOAD !== '0') {
  // Bounded for a 2-core box: 3 steps × (setup + BENCH_LOAD_SECONDS) stays well under 3 minutes.
  const steps = (env.BENCH_LOAD_STEPS ?? '10,25,50')
    .split(',')
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 0);
  try {
    await runLoad({
      steps,
      seconds: Number(env.BENCH_LOAD_SECONDS ?? 15),
      continueAfterBreach: env.BENCH_LOAD_CONTINUE === '1',
    });
  } catch (err) {
    // The load step needs the whole bot (voice layer included); report instead of crashing the bench.
    console.log(`load bench failed: ${err instanceof Error ? err.message : String(err)}`);
    console.log(JSON.stringify({ bench: 'load', error: err instanceof Error ? err.message : String(err) }));
    process.exitCode = 1;
  }
}
