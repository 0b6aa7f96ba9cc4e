// Load: N voice channels on discord-sim + realtime-sim driven through the real bot (createBot →
// ChannelManager) in this process. Each channel has one human who speaks about half the time; the
// persona answers. N grows until playback gaps/underruns or a latency breach. The emulators run in
// a child process (sim-host.ts) so process.cpuUsage() here is the bot's alone.
//   BENCH_LOAD_STEPS=100,150  BENCH_LOAD_SECONDS=15  BENCH_LOAD_CONTINUE=1 (measure every step)
//   BENCH_LOAD_CAST=3: each channel plays a three-character scene (each character its own model session;
//   latency-to-model is not measured then, as the lead's first session is replaced by the scene's)
//   BENCH_LOG=debug BENCH_LOG_FILE=bot.log (the bot's log)  BENCH_TRACE_JOINS=1 (each join's time)
//   BENCH_PROFILE_SIM=sims.cpuprofile (the emulators); node --cpu-prof --cpu-prof-dir=DIR (every process)
// Past 114 channels one join waits up to a minute: a shard may send 120 gateway commands a minute.
import { type ChildProcess, fork } from 'node:child_process';
import { loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import tls from 'node:tls';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { openStore } from '@troupe/store';
import pino from 'pino';
import { type Bot, createBot } from '../src/bot.ts';
import { parseConfig } from '../src/config.ts';
import { deployCommands } from '../src/deploy-commands.ts';
import { printJson, printTable, r1 } from './harness.ts';
import { breachOf, speechMeasured } from './load-verdict.ts';
import {
  APP_ID,
  FRAME_MS,
  GAP_MS,
  type JoinReport,
  type Pcts,
  type WorldInfo,
  type WorldMeasurement,
} from './load-world.ts';

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
  /** /join dispatched → model connected (the gateway allows a shard 120 commands a minute). */
  joinMs: Pcts;
  joinFailures: string[];
  /** Gateway connections the emulator closed for more than 120 commands a minute (goal: 0). */
  gatewayRateLimitCloses: number;
  /** The machine's 1/5/15-minute load averages when the step started and ended (shared machines). */
  loadAvg: { start: number[]; end: number[] };
  breach: string | undefined;
  /** Characters per channel (BENCH_LOAD_CAST) and how many beyond the first connected. */
  cast: number;
  castAdded: number;
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

/** BENCH_LOAD_CAST=3: every channel plays a scene of that many characters (each its own model session). */
const CAST = ['captain-mara', 'shuoshu-ren', 'study-buddy-lin'];
const castSize = () => Math.max(1, Math.min(CAST.length, Number(process.env.BENCH_LOAD_CAST ?? 1)));

/** Adds `ids` to the scene of every joined channel (as /scene add does); returns how many were added. */
async function addCast(bot: Bot, guildIds: readonly string[], ids: readonly string[]): Promise<number> {
  let added = 0;
  for (const guildId of guildIds) {
    const session = bot.voice.get(guildId);
    if (!session) continue;
    for (const id of ids) {
      const entry = await bot.registry.get(guildId, id);
      if (!entry) throw new Error(`no persona ${id}`);
      const outcome = await session.addCharacter(entry.persona);
      if (outcome === 'connected') added++;
    }
  }
  return added;
}

/** Runs one step with `n` channels for `seconds` of conversation. */
export async function runLoadStep(n: number, seconds: number, salt = 0): Promise<LoadStep> {
  const host = simHost();
  const store = await openStore({ sqlitePath: ':memory:' });
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
        // The emulator has no account limit: every channel's characters may connect.
        modelSessionLimit: 100_000,
      },
      // BENCH_LOG=debug BENCH_LOG_FILE=bot.log: the bot's own log, to see where a step breaks.
      logger: process.env.BENCH_LOG
        ? pino({ level: process.env.BENCH_LOG }, pino.destination(process.env.BENCH_LOG_FILE ?? 2))
        : pino({ level: 'silent' }),
      store,
    });
    for (const guildId of info.guildIds) {
      await deployCommands({ token: info.token, appId: APP_ID, guildId, api: info.restApi });
    }
    await bot.start(info.token);
    const rssBefore = settledRss();
    const loadAvg = loadavg().map(r1);
    const join = await host.call<JoinReport>({ cmd: 'join', persona: 'captain-mara' });
    const castAdded = await addCast(bot, info.guildIds, CAST.slice(1, castSize()));
    // The added characters greet as they connect: measure the conversation, not the introductions.
    if (castAdded > 0) await new Promise((resolve) => setTimeout(resolve, 8000));
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
    return {
      ...m,
      channels: n,
      cpuPct: r1((cpuUs / 1000 / m.elapsedMs) * 100),
      cpuUsPerChannelFrame: r1(cpuUs / ((m.elapsedMs / FRAME_MS) * joined)),
      rssMbPerChannel: Math.round(((rssAfter - rssBefore) / 1048576 / joined) * 100) / 100,
      rssMb: Math.round(rssAfter / 1048576),
      botUnderruns,
      botLoopDelayMs: { p99: r1(loop.percentile(99) / 1e6), max: r1(loop.max / 1e6) },
      joinMs: join.joinMs,
      joinFailures: join.failures,
      gatewayRateLimitCloses: join.gatewayRateLimitCloses,
      loadAvg: { start: loadAvg, end: loadavg().map(r1) },
      breach: breachOf(n, m, join, botUnderruns, GAP_MS),
      cast: castSize(),
      castAdded,
    };
  } finally {
    await bot?.stop().catch(() => undefined);
    await store.close();
    await host.call({ cmd: 'close' }).catch(() => undefined);
    if (host.child.exitCode === null) host.child.kill();
  }
}

const NONE: Pcts = { p50: Number.NaN, p95: Number.NaN, p99: Number.NaN, n: 0 };

/** A step that failed to run: everything unmeasured, the error as its breach. */
function failedStep(n: number, err: unknown): LoadStep {
  return {
    channels: n,
    cast: castSize(),
    castAdded: 0,
    elapsedMs: 0,
    simCpuPct: Number.NaN,
    joined: 0,
    playbackPackets: 0,
    playbackGaps: 0,
    inboundMs: NONE,
    firstPacketMs: NONE,
    bargeInSilentMs: NONE,
    bargeInFrames: NONE,
    simLoopDelayMs: { p99: Number.NaN, max: Number.NaN },
    e2ee: {
      channels: 0,
      decrypted: 0,
      unencrypted: 0,
      undecryptable: 0,
      readies: 0,
      commits: 0,
      invalidCommitWelcomes: 0,
    },
    cpuPct: Number.NaN,
    cpuUsPerChannelFrame: Number.NaN,
    rssMbPerChannel: Number.NaN,
    rssMb: Number.NaN,
    botUnderruns: undefined,
    botLoopDelayMs: { p99: Number.NaN, max: Number.NaN },
    joinMs: NONE,
    joinFailures: [],
    gatewayRateLimitCloses: 0,
    loadAvg: { start: loadavg().map(r1), end: loadavg().map(r1) },
    breach: `step failed: ${err instanceof Error ? err.message : String(err)}`.slice(0, 300),
  };
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
    // A step that cannot even run (a crash, a world that will not start) is a breach too.
    const s = await runLoadStepIsolated(n, options.seconds, k + 1).catch((err: unknown) =>
      failedStep(n, err),
    );
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
    `Load (${options.seconds} s per step, ${castSize()} character(s) per channel; bot process CPU only, emulators in a child process)`,
    [
      'N',
      'joined',
      'characters',
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
      'join p50/p99 s',
      'load avg',
      'breach',
    ],
    results.map((s) => [
      String(s.channels),
      String(s.joined),
      String(s.joined + s.castAdded),
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
      `${r1(s.joinMs.p50 / 1000)}/${r1(s.joinMs.p99 / 1000)}`,
      `${s.loadAvg.start[0]}→${s.loadAvg.end[0]}`,
      s.breach ?? '-',
    ]),
  );
  // The clean figure is the last step before the first breach.
  const firstBreach = results.findIndex((s) => s.breach);
  const ok = (firstBreach < 0 ? results : results.slice(0, firstBreach)).at(-1);
  const broke = results[firstBreach];
  if (broke) console.log(`breaks at N=${broke.channels}: ${broke.breach}`);
  else console.log(`no breach up to N=${results.at(-1)?.channels ?? 0}`);
  if (ok && speechMeasured(ok)) {
    // Linear extrapolation from the last clean step; the measured clean N is the honest figure.
    const perCore = Math.floor((ok.channels * 100) / Math.max(ok.cpuPct, 0.1));
    console.log(`last clean step: N=${ok.channels}; linear CPU estimate ≈ ${perCore} channels per core`);
    printJson('load-summary', {
      cleanChannels: ok.channels,
      channelsPerCoreEstimate: perCore,
      rssMbPerChannel: ok.rssMbPerChannel,
      breaksAt: broke ? { channels: broke.channels, breach: broke.breach } : null,
    });
  } else {
    // No per-core figure from a step that measured no speech (it would divide by almost nothing).
    if (ok)
      console.log(
        `last clean step: N=${ok.channels}, but too little speech was measured for a per-core figure`,
      );
    printJson('load-summary', {
      cleanChannels: ok?.channels ?? 0,
      channelsPerCoreEstimate: null,
      breaksAt: broke ? { channels: broke.channels, breach: broke.breach } : null,
    });
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
