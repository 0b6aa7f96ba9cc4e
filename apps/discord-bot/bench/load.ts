// Load: N voice channels on discord-sim + realtime-sim driven through the real bot (createBot →
// ChannelManager) in this process. Each channel has one human who speaks about half the time; the
// persona answers. N grows until playback gaps/underruns or a latency breach. The emulators run in
// a child process (sim-host.ts) so process.cpuUsage() here is the bot's alone.
import { type ChildProcess, fork } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import tls from 'node:tls';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Store } from '@troupe/discord';
import pino from 'pino';
import { createBot } from '../src/bot.ts';
import { parseConfig } from '../src/config.ts';
import { deployCommands } from '../src/deploy-commands.ts';
import { printJson, printTable, r1 } from './harness.ts';
import { APP_ID, FRAME_MS, GAP_MS, type WorldInfo, type WorldMeasurement } from './load-world.ts';

/** Figures for one N. */
export interface LoadStep extends WorldMeasurement {
  channels: number;
  /** Bot process CPU over the conversation window, % of one core. */
  cpuPct: number;
  cpuUsPerChannelFrame: number;
  rssMbPerChannel: number;
  /** Bot process RSS at the end of the conversation window. */
  rssMb: number;
  /** The bot's own underrun counter (ChannelSession.underruns), when it exposes one. */
  botUnderruns: number | undefined;
  /** Bot event-loop delay over the window (ms). */
  botLoopDelayMs: { p99: number; max: number };
  breach: string | undefined;
}

// A full GC before each RSS reading, without requiring `node --expose-gc` for `pnpm bench`.
setFlagsFromString('--expose-gc');
const fullGc = runInNewContext('gc') as () => void;

function settledRss(): number {
  fullGc();
  return process.memoryUsage().rss;
}

/** Drives the sim-host child over IPC, one request at a time. */
function simHost(): { call<T>(msg: object): Promise<T>; child: ChildProcess } {
  const child = fork(new URL('./sim-host.ts', import.meta.url), [], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  return {
    child,
    call<T>(msg: object): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        const onExit = (code: number | null): void => reject(new Error(`sim host exited (${code})`));
        child.once('exit', onExit);
        child.once('message', (reply: { ok: boolean; value?: unknown; error?: string }) => {
          child.off('exit', onExit);
          if (reply.ok) resolve(reply.value as T);
          else reject(new Error(`sim host: ${reply.error}`));
        });
        child.send(msg);
      });
    },
  };
}

/** Runs one step with `n` channels for `seconds` of conversation. */
export async function runLoadStep(n: number, seconds: number, salt = 0): Promise<LoadStep> {
  const host = simHost();
  const store = new Store(':memory:');
  let bot: Awaited<ReturnType<typeof createBot>> | undefined;
  try {
    const info = await host.call<WorldInfo>({ cmd: 'start', n, salt });
    tls.setDefaultCACertificates([...tls.getCACertificates('default'), info.cert]);
    bot = await createBot({
      config: {
        ...parseConfig({}),
        discordToken: info.token,
        discordAppId: APP_ID,
        discordApiUrl: info.restApi,
        stepfunApiKey: info.apiKey,
        realtimeUrl: info.tapUrl,
        offlineDemo: false,
      },
      logger: pino({ level: 'silent' }),
      store,
    });
    for (const guildId of info.guildIds) {
      await deployCommands({ token: info.token, appId: APP_ID, guildId, api: info.restApi });
    }
    await bot.start(info.token);
    const rssBefore = settledRss();
    await host.call<number>({ cmd: 'join', persona: 'captain-mara' });
    const cpu0 = process.cpuUsage();
    const loop = monitorEventLoopDelay({ resolution: 5 });
    loop.enable();
    const m = await host.call<WorldMeasurement>({ cmd: 'run', seconds });
    const cpu = process.cpuUsage(cpu0);
    loop.disable();
    const rssAfter = settledRss();
    let botUnderruns: number | undefined;
    for (const guildId of info.guildIds) {
      const u = (bot.voice.get(guildId) as { underruns?: unknown } | undefined)?.underruns;
      if (typeof u === 'number') botUnderruns = (botUnderruns ?? 0) + u;
    }
    const cpuUs = cpu.user + cpu.system;
    const joined = Math.max(1, m.joined);
    const breach =
      m.joined < n
        ? `only ${m.joined}/${n} joined`
        : m.e2ee.unencrypted > 0
          ? `${m.e2ee.unencrypted} frames sent without E2EE`
          : m.playbackGaps > 0 || (botUnderruns ?? 0) > 0
            ? `${m.playbackGaps} gaps > ${GAP_MS} ms, ${botUnderruns ?? '?'} bot underruns`
            : // Percentiles of fewer than 10 samples are the maximum: not a basis for stopping the ramp.
              m.inboundMs.n >= 10 && m.inboundMs.p95 > 25
              ? `inbound p95 ${m.inboundMs.p95} ms`
              : m.firstPacketMs.n >= 10 && m.firstPacketMs.p95 > 40
                ? `first-packet p95 ${m.firstPacketMs.p95} ms`
                : m.bargeInFrames.n > 0 && m.bargeInFrames.p95 > 1
                  ? `barge-in p95 ${m.bargeInFrames.p95} frames`
                  : undefined;
    return {
      ...m,
      channels: n,
      cpuPct: r1((cpuUs / 1000 / m.elapsedMs) * 100),
      cpuUsPerChannelFrame: r1(cpuUs / ((m.elapsedMs / FRAME_MS) * joined)),
      rssMbPerChannel: Math.round(((rssAfter - rssBefore) / 1048576 / joined) * 100) / 100,
      rssMb: Math.round(rssAfter / 1048576),
      botUnderruns,
      botLoopDelayMs: { p99: r1(loop.percentile(99) / 1e6), max: r1(loop.max / 1e6) },
      breach,
    };
  } finally {
    await bot?.stop().catch(() => undefined);
    store.close();
    await host.call({ cmd: 'close' }).catch(() => undefined);
    if (host.child.exitCode === null) host.child.kill();
  }
}

/**
 * Runs one step in a fresh bot process: @discordjs/voice keeps process-wide state (connection
 * registry, timers), and a previous world's leftovers must not be measured.
 */
function runLoadStepIsolated(n: number, seconds: number, salt: number): Promise<LoadStep> {
  return new Promise((resolve, reject) => {
    const child = fork(new URL(import.meta.url), [], {
      env: { ...process.env, BENCH_LOAD_CHILD: JSON.stringify({ n, seconds, salt }) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let result: LoadStep | undefined;
    child.once('message', (m: { ok: boolean; step?: LoadStep; error?: string }) => {
      if (m.ok) result = m.step;
      else reject(new Error(m.error));
    });
    child.once('exit', (code) =>
      result ? resolve(result) : reject(new Error(`load step N=${n} exited (${code}) without a result`)),
    );
  });
}

/** Increases N over `steps` until a breach; prints a table and one JSON line per step. */
export async function runLoad(options: {
  steps: number[];
  seconds: number;
  /** Keep ramping after a breach (exploration). */
  continueAfterBreach?: boolean;
}): Promise<LoadStep[]> {
  const results: LoadStep[] = [];
  for (const [k, n] of options.steps.entries()) {
    const s = await runLoadStepIsolated(n, options.seconds, k + 1);
    results.push(s);
    printJson('load', {
      ...s,
      seconds: options.seconds,
      sims: 'child-process',
      dave: process.env.BENCH_LOAD_DAVE !== '0',
    });
    if (s.breach && !options.continueAfterBreach) break;
  }
  printTable(
    `Load (${options.seconds} s per step; bot process CPU only, emulators in a child process)`,
    [
      'N',
      'joined',
      'CPU %',
      'sims CPU %',
      'µs/ch/frame',
      'MB/ch',
      'gaps',
      'bot underruns',
      'in p50/p95/p99 ms',
      'out p50/p95/p99 ms',
      'barge-in frames p50/p99 (n)',
      'loop delay p99/max ms bot | sims',
      'E2EE ch · decrypted/clear/lost',
      'breach',
    ],
    results.map((s) => [
      String(s.channels),
      String(s.joined),
      s.cpuPct,
      s.simCpuPct,
      s.cpuUsPerChannelFrame,
      s.rssMbPerChannel,
      String(s.playbackGaps),
      String(s.botUnderruns ?? '-'),
      `${s.inboundMs.p50}/${s.inboundMs.p95}/${s.inboundMs.p99}`,
      `${s.firstPacketMs.p50}/${s.firstPacketMs.p95}/${s.firstPacketMs.p99}`,
      `${s.bargeInFrames.p50}/${s.bargeInFrames.p99} (${s.bargeInFrames.n})`,
      `${s.botLoopDelayMs.p99}/${s.botLoopDelayMs.max} | ${s.simLoopDelayMs.p99}/${s.simLoopDelayMs.max}`,
      `${s.e2ee.channels} · ${s.e2ee.decrypted}/${s.e2ee.unencrypted}/${s.e2ee.undecryptable}`,
      s.breach ?? '-',
    ]),
  );
  // The clean figure is the last step before the first breach.
  const firstBreach = results.findIndex((s) => s.breach);
  const ok = (firstBreach < 0 ? results : results.slice(0, firstBreach)).at(-1);
  if (ok) {
    // Linear extrapolation from the last clean step; the measured clean N is the honest figure.
    const perCore = Math.floor((ok.channels * 100) / Math.max(ok.cpuPct, 0.1));
    console.log(`last clean step: N=${ok.channels}; linear CPU estimate ≈ ${perCore} channels per core`);
    printJson('load-summary', {
      cleanChannels: ok.channels,
      channelsPerCoreEstimate: perCore,
      rssMbPerChannel: ok.rssMbPerChannel,
    });
  } else {
    printJson('load-summary', { cleanChannels: 0 });
  }
  return results;
}

const child = process.env.BENCH_LOAD_CHILD;
if (child) {
  const { n, seconds, salt } = JSON.parse(child) as { n: number; seconds: number; salt: number };
  runLoadStep(n, seconds, salt).then(
    (step) => process.send?.({ ok: true, step }, () => process.exit(0)),
    (err: unknown) => process.send?.({ ok: false, error: String(err) }, () => process.exit(1)),
  );
} else if (import.meta.main) {
  const steps = (process.env.BENCH_LOAD_STEPS ?? '10,25,50')
    .split(',')
    .map(Number)
    .filter((x) => x > 0);
  await runLoad({
    steps,
    seconds: Number(process.env.BENCH_LOAD_SECONDS ?? 15),
    continueAfterBreach: process.env.BENCH_LOAD_CONTINUE === '1',
  });
}
