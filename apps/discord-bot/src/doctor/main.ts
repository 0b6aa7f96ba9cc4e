// `pnpm run doctor` (pnpm's own `pnpm doctor` command shadows a script of that name): checks this
// machine and the bot's settings, one line each, with the fix for anything wrong; exits 1 if any
// check failed. Reads .env like the bot. Talks to Discord and
// StepFun for real (or to the emulators named by DISCORD_API_URL / STEPFUN_REALTIME_URL); when
// they cannot be reached it says so instead of hanging. Changes nothing, except that it creates
// the database file if it does not exist yet, exactly as the bot would.
import { lookup } from 'node:dns/promises';
import { connect } from 'node:net';
import { redactSecrets } from '@troupe/discord';
import type { ProbeResult } from '@troupe/realtime-core';
import { type BotConfig, ConfigError, loadConfig } from '../config.ts';
import { probeConfiguredModel } from '../startup-probe.ts';
import { discordChecks } from './discord-checks.ts';
import {
  databaseCheck,
  daveCheck,
  metricsPortCheck,
  nodeCheck,
  opusCheck,
  personaCheck,
} from './local-checks.ts';
import { type Check, fail, formatCheck, ok, summarize, warn } from './report.ts';

/** The key/model/voice check: one short session through realtime-core's probe (as `pnpm start` does). */
export type RealtimeProbe = (config: BotConfig, voice: string) => Promise<ProbeResult>;

/** Why a host cannot be reached, in the system's words: ENOTFOUND, ECONNREFUSED, no answer. */
export async function reachability(url: string, timeoutMs = 5000): Promise<string> {
  const u = new URL(url);
  const port = Number(u.port) || (u.protocol === 'wss:' || u.protocol === 'https:' ? 443 : 80);
  try {
    await lookup(u.hostname);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code ?? 'DNS lookup failed';
  }
  return new Promise((resolve) => {
    const socket = connect({ host: u.hostname, port, timeout: timeoutMs });
    socket.once('connect', () => {
      socket.destroy();
      resolve('TCP connects, but no realtime session opened');
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(`no answer within ${timeoutMs / 1000} s`);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

/** Maps the probe's verdict to a doctor line that names the setting to change. */
export async function stepfunCheck(r: ProbeResult, c: { url: string; voice: string }): Promise<Check> {
  const host = new URL(c.url).host;
  if (r.ok) {
    const line = `${host}: model ${r.model} accepted the key and voice ${c.voice}${r.traceId ? ` (trace ${r.traceId})` : ''}`;
    return r.warnings.length
      ? warn('StepFun', `${line}, but: ${r.warnings.join('; ')}`, 'check the persona voice ids')
      : ok('StepFun', line);
  }
  const message = r.message.replace(/\s*Fix: [\s\S]*$/, '');
  if (r.failure === 'unreachable' || r.failure === 'timeout') {
    return fail(
      'StepFun',
      `cannot reach ${host} (${await reachability(c.url)})`,
      "check this machine's network, DNS or proxy; outside mainland China set STEPFUN_REALTIME_URL=wss://api.stepfun.ai/v1/realtime",
    );
  }
  return fail('StepFun', `${host}: ${message}`, r.fix);
}

export async function runDoctor(o: {
  print: (line: string) => void;
  probe?: RealtimeProbe;
  load?: () => BotConfig;
}): Promise<number> {
  const checks: Check[] = [];
  let secrets: readonly string[] = [];
  const emit = (c: Check) => {
    checks.push(c);
    o.print(redactSecrets(formatCheck(c), secrets));
  };
  o.print(
    'Troupe doctor: checks this machine and its settings (one line each; ✘ = must fix, ! = should fix)',
  );
  emit(nodeCheck());
  emit(opusCheck());
  emit(daveCheck());
  const personas = await personaCheck();
  emit(personas.check);
  let config: BotConfig | undefined;
  try {
    config = (o.load ?? (() => loadConfig()))();
    secrets = config.secrets;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    for (const p of err.problems) {
      const [detail, fix] = p.split(' — ');
      emit(fail('Config', detail ?? p, fix ?? 'see .env.example'));
    }
  }
  if (config) {
    const db = await databaseCheck(config);
    emit(db.check);
    emit(await metricsPortCheck(config.metricsPort, config.metricsHost));
    const discord = await discordChecks({
      api: config.discordApiUrl ?? 'https://discord.com/api',
      token: config.discordToken,
      appId: config.discordAppId,
      guildId: config.discordGuildId,
      ...(db.store
        ? {
            transcripts: async (id: string) => {
              const s = await db.store?.getSettings(id);
              return s && { enabled: s.transcriptsEnabled, channelId: s.transcriptsChannelId };
            },
          }
        : {}),
    });
    await db.store?.close();
    for (const c of discord) emit(c);
    if (!config.stepfunApiKey) {
      emit(
        fail(
          'StepFun',
          'STEPFUN_API_KEY is not set',
          'create a key at https://platform.stepfun.com and set STEPFUN_API_KEY in .env',
        ),
      );
    } else {
      const voice = personas.defaultVoice ?? 'linjiajiejie';
      const result = await (o.probe ?? probeConfiguredModel)(config, voice);
      emit(await stepfunCheck(result, { url: config.realtimeUrl, voice }));
    }
  }
  const { line, exitCode } = summarize(checks);
  o.print(line);
  return exitCode;
}

if (import.meta.main) {
  const code = await runDoctor({ print: (line) => process.stdout.write(`${line}\n`) });
  process.exit(code);
}
