// `pnpm run doctor` (pnpm's own `pnpm doctor` command shadows a script of that name): checks this
// machine and the bot's settings, one line each, with the fix for anything wrong; exits 1 if any
// check failed. Reads .env like the bot. Talks to Discord and
// StepFun for real (or to the emulators named by DISCORD_API_URL / STEPFUN_REALTIME_URL); when
// they cannot be reached it says so instead of hanging. Changes nothing, except that it creates
// the database file if it does not exist yet, exactly as the bot would.
import { redactSecrets } from '@troupe/discord';
import { stepfunProfile } from '@troupe/realtime-core';
import { type BotConfig, ConfigError, loadConfig } from '../config.ts';
import { discordChecks } from './discord-checks.ts';
import {
  databaseCheck,
  daveCheck,
  metricsPortCheck,
  nodeCheck,
  opusCheck,
  personaCheck,
} from './local-checks.ts';
import { createWsProbe, type ProbeResult, type RealtimeProbe } from './realtime-probe.ts';
import { type Check, fail, formatCheck, ok, summarize } from './report.ts';

/** Maps a probe result to a doctor line, naming the setting to change. */
export function stepfunCheck(r: ProbeResult, c: { url: string; model: string; voice: string }): Check {
  const host = new URL(c.url).host;
  if (r.ok)
    return ok('StepFun', `${host}: key, model ${c.model} and voice ${c.voice} accepted (${r.detail})`);
  const alias = stepfunProfile.modelAliases[c.model];
  switch (r.kind) {
    case 'unreachable':
      return fail(
        'StepFun',
        `cannot reach ${host} (${r.detail})`,
        'check this machine’s network, DNS or proxy; outside mainland China set STEPFUN_REALTIME_URL=wss://api.stepfun.ai/v1/realtime',
      );
    case 'timeout':
      return fail(
        'StepFun',
        `${host} did not open a session (${r.detail})`,
        'check the network or proxy, then retry; a firewall may be eating WebSockets',
      );
    case 'auth':
      return fail(
        'StepFun',
        `${host} rejected STEPFUN_API_KEY (${r.detail})`,
        'create or copy a key at https://platform.stepfun.com (keys of platform.stepfun.ai work only with wss://api.stepfun.ai)',
      );
    case 'model':
      return fail(
        'StepFun',
        `${host} does not accept model "${c.model}" (${r.detail})`,
        alias
          ? `set STEPFUN_MODEL=${alias}`
          : 'set STEPFUN_MODEL to a realtime model your account has, e.g. stepaudio-2.5-realtime',
      );
    case 'voice':
      return fail(
        'StepFun',
        `${host} refused voice "${c.voice}" (${r.detail})`,
        'give the default persona a StepFun voice id such as linjiajiejie, wenrounansheng or elegantgentle-female',
      );
    case 'quota':
      return fail(
        'StepFun',
        `${host} refused for quota or balance (${r.detail})`,
        'check the balance and rate limits of your account in the StepFun console',
      );
    default:
      return fail('StepFun', `${host}: ${r.detail}`, 'check STEPFUN_REALTIME_URL and STEPFUN_MODEL');
  }
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
    const db = databaseCheck(config.dbPath);
    emit(db.check);
    emit(await metricsPortCheck(config.metricsPort, config.metricsHost));
    const discord = await discordChecks({
      api: config.discordApiUrl ?? 'https://discord.com/api',
      token: config.discordToken,
      appId: config.discordAppId,
      guildId: config.discordGuildId,
      ...(db.store
        ? {
            transcripts: (id: string) => {
              const s = db.store?.getSettings(id);
              return s && { enabled: s.transcriptsEnabled, channelId: s.transcriptsChannelId };
            },
          }
        : {}),
    });
    db.store?.close();
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
      const target = { url: config.realtimeUrl, model: config.model, voice };
      const result = await (o.probe ?? createWsProbe())({ ...target, apiKey: config.stepfunApiKey });
      emit(stepfunCheck(result, target));
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
