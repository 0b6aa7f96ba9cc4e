// The emulated side of the load bench: discord-sim with N guilds (one human each), realtime-sim
// behind a timestamping tap, the humans' speaking schedule, and what the listeners measured.
// Runs in a child process (sim-host.ts) so its CPU is not charged to the bot, or in-process.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { encodeSpeech, fixturePath, readWav, startDiscordSim } from '@troupe/discord-sim';
import { startRealtimeSim } from '@troupe/realtime-sim';
import { PermissionFlagsBits } from 'discord.js';
import { percentile, r1 } from './harness.ts';
import { startModelTap } from './model-tap.ts';

export const APP_ID = '910000000000000001';
const FRAME_MS = 20;
/** A /join may wait a gateway rate-limit window (a minute) before Discord even sees it. */
const JOIN_TIMEOUT_MS = 150_000;

/** How the joins of a step went. */
export interface JoinReport {
  joined: number;
  /** Joins that failed or were not answered, with what the bot said. */
  failures: string[];
  /** /join dispatched → model connected, per joined channel. */
  joinMs: Pcts;
  /** Gateway connections the emulator closed for exceeding 120 commands a minute (goal: 0). */
  gatewayRateLimitCloses: number;
}
/** A gap this long between consecutive RTP packets outlasts a typical client jitter buffer. */
export const GAP_MS = 60;

/** What the bot needs to connect to the emulated world. */
export interface WorldInfo {
  restApi: string;
  token: string;
  apiKey: string;
  tapUrl: string;
  cert: string;
  guildIds: string[];
}

/** p50/p95/p99 in ms and the sample count. */
export interface Pcts {
  p50: number;
  p95: number;
  p99: number;
  n: number;
}

/** What the emulators measured during one run. */
export interface WorldMeasurement {
  elapsedMs: number;
  /** CPU of the emulator process over the window, % of one core (it shares the machine with the bot). */
  simCpuPct: number;
  joined: number;
  playbackPackets: number;
  /** Consecutive RTP packets that arrived more than GAP_MS apart. */
  playbackGaps: number;
  inboundMs: Pcts;
  firstPacketMs: Pcts;
  /** Barge-in decision (truncate reaches the emulator) → the bot's last audio packet heard. */
  bargeInSilentMs: Pcts;
  /** Audio packets of the bot heard after each barge-in decision. */
  bargeInFrames: Pcts;
  /** Emulator event-loop delay over the window (ms): a stall here would show up as playback gaps. */
  simLoopDelayMs: { p99: number; max: number };
  /** End-to-end encryption (DAVE) of the calls: on by default, as on Discord since March 2026. */
  e2ee: {
    /** Channels whose call negotiated DAVE. */
    channels: number;
    /** Bot frames the listeners decrypted. */
    decrypted: number;
    /** Non-silence bot frames that arrived without E2EE (must be 0). */
    unencrypted: number;
    /** Bot frames a listener could not decrypt. */
    undecryptable: number;
    /** Over the window: voice handshakes (a rejoin or fresh join adds one), DAVE commits, op 31 reports. */
    readies: number;
    commits: number;
    invalidCommitWelcomes: number;
  };
}

function pcts(v: number[]): Pcts {
  return { p50: r1(percentile(v, 50)), p95: r1(percentile(v, 95)), p99: r1(percentile(v, 99)), n: v.length };
}

// Snowflakes unique per world: @discordjs/voice keeps a process-wide registry keyed by guild id.
const idsFor =
  (salt: number) =>
  (i: number, kind: number): string =>
    `9${salt % 10}${String(kind).padStart(2, '0')}${String(i).padStart(14, '0')}`;

/** Starts the world for `n` channels; vary `salt` between worlds served to the same bot process. */
export async function startLoadWorld(n: number, salt = 0, dave = true) {
  const ids = idsFor(salt);
  const realtime = await startRealtimeSim({ acceptAnyModel: true });
  const tap = await startModelTap(realtime.url);
  const guilds = Array.from({ length: n }, (_, i) => ({
    id: ids(i, 1),
    name: `Load ${i}`,
    roles: [{ name: 'Admins', permissions: PermissionFlagsBits.ManageGuild }],
    channels: [
      { id: ids(i, 2), name: 'text', type: 'text' as const },
      { id: ids(i, 3), name: 'Voice', type: 'voice' as const },
    ],
    members: [{ user: `human${i}`, roles: ['Admins'] }],
  }));
  const discord = await startDiscordSim({
    applicationId: APP_ID,
    users: guilds.map((_, i) => ({ username: `human${i}`, id: ids(i, 4) })),
    guilds,
    dave,
  });
  discord.trustCertificate();
  // Encoded once: each human's client would encode its own voice, which is not the bot's cost and
  // would make the emulator (one thread playing N clients) the bottleneck being measured.
  const speech = (['en-alice', 'en-bob'] as const).map((name) => {
    const wav = readWav(fixturePath(name));
    const mono48k = wav.sampleRate === 48_000 && wav.channels === 1 ? wav.samples : undefined;
    if (!mono48k) throw new Error(`fixture ${name} must be 48 kHz mono`);
    return { ms: mono48k.length / 48, opus: encodeSpeech(mono48k) };
  });
  const connOf = new Map<number, number>();
  let joined = 0;

  const info: WorldInfo = {
    restApi: discord.restApi,
    token: discord.token,
    apiKey: realtime.apiKey,
    tapUrl: tap.url,
    // The sim keeps its voice-server certificate private; a bot in another process must trust it too.
    cert: (discord as unknown as { cert: string }).cert,
    guildIds: guilds.map((g) => g.id),
  };

  return {
    info,
    /**
     * Each human joins and runs /join; sequential so model connection k belongs to guild k. A join
     * that fails or is not answered is recorded, not thrown: the step reports it as a breach.
     */
    async join(persona: string): Promise<JoinReport> {
      const joinMs: number[] = [];
      const failures: string[] = [];
      for (const [i, g] of guilds.entries()) {
        discord.joinVoice(`human${i}`, ids(i, 3));
        const before = tap.connections.length;
        const t0 = performance.now();
        const handle = await discord.slash({ user: `human${i}`, guild: g.id }, 'join', {
          options: { persona },
        });
        // The final answer: past Discord's 120 gateway commands a minute the bot says "⏳ Joining…"
        // first and joins once the shard may send again.
        const answered = await handle
          .waitFor((r) => r.kind === 'edit' && !String(r.data.content).startsWith('⏳'), JOIN_TIMEOUT_MS)
          .then(
            () => true,
            () => false,
          );
        const reply = handle.content ?? '';
        if (!answered) failures.push(`channel ${i}: /join not answered within ${JOIN_TIMEOUT_MS / 1000} s`);
        else if (!/joined/.test(reply)) failures.push(`channel ${i}: ${reply.slice(0, 160)}`);
        await discord.until(() => tap.connections.length > before, 10_000).catch(() => undefined);
        if (tap.connections.length > before) {
          connOf.set(i, before);
          joined++;
          joinMs.push(performance.now() - t0);
        }
        if (process.env.BENCH_TRACE_JOINS)
          process.stderr.write(
            `join ${i}: ${(performance.now() - t0).toFixed(0)} ms ${reply.slice(0, 40)}\n`,
          );
      }
      // Greetings are not part of the measurement.
      await new Promise((r) => setTimeout(r, 3000));
      for (let i = 0; i < n; i++) discord.listener(ids(i, 4)).clear();
      return {
        joined,
        failures,
        joinMs: pcts(joinMs),
        gatewayRateLimitCloses: discord.stats.gateway.rateLimitCloses,
      };
    },
    /**
     * Humans speak ~3.5 s clips, then stay quiet ~3.5 s while the persona answers, for `seconds`.
     * Every third clip starts 1.5 s after the previous one ended: it talks over the answer (barge-in).
     */
    async run(seconds: number): Promise<WorldMeasurement> {
      const lastSent: number[][] = guilds.map(() => []);
      const t0 = performance.now();
      const v0 = discord.stats.voice;
      const before = {
        readies: v0.readies,
        commits: v0.dave.commits.length,
        invalid: v0.dave.invalidCommitWelcomes.length,
      };
      const cpu0 = process.cpuUsage();
      const loop = monitorEventLoopDelay({ resolution: 5 });
      loop.enable();
      const end = t0 + seconds * 1000;
      await Promise.all(
        guilds.map(async (_, i) => {
          await new Promise((r) => setTimeout(r, (i * 137) % 3000)); // stagger channels
          let k = i;
          for (;;) {
            const clip = speech[k++ % speech.length];
            // Only start a clip that (with the persona's answer) fits the window.
            if (!clip || performance.now() + clip.ms + 2000 > end) break;
            // No trailing silence frames: speak() then resolves at the last audio packet (the inbound reference).
            await discord.speak(ids(i, 4), clip.opus, { silenceFrames: 0 });
            lastSent[i]?.push(performance.now());
            await new Promise((r) => setTimeout(r, k % 3 === 0 ? 1500 : 3500));
          }
        }),
      );
      const elapsedMs = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      loop.disable();
      const inbound: number[] = [];
      const firstPacket: number[] = [];
      const bargeSilent: number[] = [];
      const bargeFrames: number[] = [];
      let gaps = 0;
      let playbackPackets = 0;
      const v1 = discord.stats.voice;
      const e2ee = {
        channels: 0,
        decrypted: 0,
        unencrypted: 0,
        undecryptable: 0,
        readies: v1.readies - before.readies,
        commits: v1.dave.commits.length - before.commits,
        invalidCommitWelcomes: v1.dave.invalidCommitWelcomes.length - before.invalid,
      };
      for (let i = 0; i < n; i++) {
        const heard = discord.listener(ids(i, 4)).heard();
        if (discord.botVoice(ids(i, 1))?.daveVersion) e2ee.channels++;
        e2ee.decrypted += heard.packets.filter((p) => p.e2ee === 'decrypted').length;
        e2ee.unencrypted += heard.unencryptedFrames;
        e2ee.undecryptable += heard.undecryptableFrames;
        const packets = heard.packets.filter((p) => !p.silence);
        playbackPackets += packets.length;
        for (let j = 1; j < packets.length; j++) {
          const a = packets[j - 1];
          const b = packets[j];
          if (a && b && b.sequence === ((a.sequence + 1) & 0xffff) && b.arrivalMs - a.arrivalMs > GAP_MS)
            gaps++;
        }
        const conn = tap.connections[connOf.get(i) ?? -1];
        if (!conn) continue;
        for (const t of lastSent[i] ?? []) {
          const next = conn.appendTimes.find((a) => a >= t);
          if (next !== undefined) inbound.push(next - t);
        }
        for (const t of conn.truncateTimes) {
          if (t < t0) continue;
          // Packets of the interrupted reply still heard: until the next reply starts (> 300 ms later).
          const after = packets.filter((p) => p.arrivalMs > t && p.arrivalMs < t + 300);
          bargeFrames.push(after.length);
          bargeSilent.push(after.length > 0 ? (after.at(-1)?.arrivalMs ?? t) - t : 0);
        }
        for (const t of conn.firstDeltaTimes) {
          if (t < t0) continue;
          const next = packets.find((p) => p.arrivalMs >= t);
          if (next) firstPacket.push(next.arrivalMs - t);
        }
      }
      return {
        elapsedMs,
        simCpuPct: r1(((cpu.user + cpu.system) / 1000 / elapsedMs) * 100),
        joined,
        playbackPackets,
        playbackGaps: gaps,
        inboundMs: pcts(inbound),
        firstPacketMs: pcts(firstPacket),
        bargeInSilentMs: pcts(bargeSilent),
        bargeInFrames: pcts(bargeFrames),
        simLoopDelayMs: { p99: r1(loop.percentile(99) / 1e6), max: r1(loop.max / 1e6) },
        e2ee,
      };
    },
    async close(): Promise<void> {
      await discord.close();
      await tap.close();
      await realtime.close();
    },
  };
}

/** A running world (return type of {@link startLoadWorld}). */
export type LoadWorld = Awaited<ReturnType<typeof startLoadWorld>>;

export { FRAME_MS };
