// What the simulated provider offers, from StepFun's pages.

/**
 * Model ids StepFun lists for `?model=`: the realtime reference (2026-06 snapshot) lists
 * stepaudio-2.5-realtime, step-1o-audio, step-audio-2, step-audio-2-mini and step-audio-r1.1; its later
 * version adds stepaudio-3-realtime-preview and step-audio-r1.5
 * (https://platform.stepfun.com/docs/zh/api-reference/realtime/chat). `step-2.5-realtime` appears in
 * no StepFun page, so it is refused like any unknown id.
 */
export const STEPFUN_MODELS = [
  'stepaudio-2.5-realtime',
  'stepaudio-3-realtime-preview',
  'step-1o-audio',
  'step-audio-2',
  'step-audio-2-mini',
  'step-audio-r1.1',
  'step-audio-r1.5',
] as const;

/** Models that "think while speaking": they stream response.thinking.* alongside the audio. */
export const THINKING_MODELS: readonly string[] = [
  'stepaudio-3-realtime-preview',
  'step-audio-r1.1',
  'step-audio-r1.5',
];

export const OPENAI_MODELS = [
  'gpt-realtime',
  'gpt-4o-realtime-preview',
  'gpt-4o-mini-realtime-preview',
] as const;

/** Endpoints that speak the protocol: the open platform and the Step Plan path (same parameters). */
export const REALTIME_PATHS = ['/v1/realtime', '/step_plan/v1/realtime'];
