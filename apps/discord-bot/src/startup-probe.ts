// `pnpm start` checks the configured key, model and voice with one short realtime session before
// logging in, and refuses to start with one line naming the setting to change. Operator text only:
// nothing here reaches Discord.
import { type ProbeResult, type ProbeSetting, probeRealtime } from '@troupe/realtime-core';
import type { BotConfig } from './config.ts';

/** The bot's own setting behind each probe verdict. */
const SETTING: Record<ProbeSetting, string> = {
  apiKey: 'STEPFUN_API_KEY',
  model: 'STEPFUN_MODEL',
  voice: 'the persona voice',
  url: 'STEPFUN_REALTIME_URL',
  account: 'the StepFun account',
  network: 'the network (or STEPFUN_REALTIME_URL)',
};

/** Hints in the bot's vocabulary: which variable to set, where. */
const HINTS = {
  apiKey: 'create or copy a key at https://platform.stepfun.com (接口密钥) and set STEPFUN_API_KEY in .env',
  model: 'set STEPFUN_MODEL to one of them, or unset it for stepaudio-2.5-realtime',
  endpoint:
    'unset STEPFUN_REALTIME_URL for wss://api.stepfun.com/v1/realtime (Step Plan: wss://api.stepfun.com/step_plan/v1/realtime)',
};

/** One line for the operator, and whether the bot must not start. */
export function describeProbe(result: ProbeResult): { line: string; fatal: boolean } {
  if (result.ok)
    return { line: `realtime model ${result.model} answered (trace ${result.traceId ?? '-'})`, fatal: false };
  return { line: `${SETTING[result.setting]}: ${result.message}`, fatal: result.fatal };
}

export function probeConfiguredModel(config: BotConfig, voice: string | undefined): Promise<ProbeResult> {
  return probeRealtime({
    url: config.realtimeUrl,
    model: config.model,
    apiKey: config.stepfunApiKey ?? '',
    ...(voice ? { voice } : {}),
    hints: HINTS,
  });
}
