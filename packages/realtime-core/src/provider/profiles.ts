// What a provider actually does, as data: code reads the profile instead of special-casing
// provider names. One profile per wire dialect and endpoint behaviour.
import { OPENAI_VAD, STEPFUN_VAD, type VadSpec } from './vad.ts';
import {
  OPENAI_VOICES,
  STEPFUN_3_PREVIEW_VOICES,
  STEPFUN_REALTIME_VOICES,
  STEPFUN_SYSTEM_VOICES,
  type VoiceInfo,
} from './voices.ts';

/** Operator-facing advice for each kind of refusal: where to get a key, top up, and so on. */
export interface ProviderHints {
  apiKey: string;
  balance: string;
  content: string;
  rateLimit: string;
  model: string;
  endpoint: string;
}

export interface ReconnectBudgetPolicy {
  /** Automatic reconnects one session may make per window before it gives up. */
  perSession: { max: number; windowMs: number };
  /** Automatic reconnects the whole process may make per window (later ones wait for a slot). */
  perProcess: { max: number; windowMs: number };
}

export interface ProviderProfile {
  name: string;
  /** Event shapes on the wire: which `turn_detection` fields exist, whether transcription is configured. */
  dialect: 'stepfun' | 'openai';
  /** false: `response.cancel` is ignored, so cancelled deltas are dropped locally (soft-cancel). */
  cancelSupported: boolean;
  /** false: appends are rejected while a response streams, so they are held (≤ 3 s) and flushed after. */
  appendWhileResponding: boolean;
  /** false: the voice is locked after the first audio reply; a new voice needs a new connection. */
  voiceMutableAfterAudio: boolean;
  /** Hard server cap on one connection. */
  maxSessionMs: number;
  /** Roll over to a fresh connection this long before the cap. */
  rolloverMarginMs: number;
  /** Model ids the provider lists (named when it refuses a model). */
  models: readonly string[];
  defaultModel: string;
  /** Other spellings of model ids (alias → the id the provider lists). */
  modelAliases: Readonly<Record<string, string>>;
  voices: readonly VoiceInfo[];
  defaultVoice: string;
  vad: VadSpec;
  /** User transcripts need `input_audio_transcription` in session.update (OpenAI) or come unasked (StepFun). */
  transcriptionSetting: boolean;
  /**
   * `instructions` in response.create apply to that reply (OpenAI). StepFun documents none (its guide's
   * greeting puts them under `session`), so a scene changes the session instructions instead.
   */
  responseInstructions: boolean;
  hints: ProviderHints;
  reconnectBudget: ReconnectBudgetPolicy;
}

/** The model ids StepFun's pages list for the realtime endpoint (reference 2026-06 and its later version). */
export const STEPFUN_REALTIME_MODELS = [
  'stepaudio-2.5-realtime',
  'stepaudio-3-realtime-preview',
  'step-1o-audio',
  'step-audio-2',
  'step-audio-2-mini',
  'step-audio-r1.1',
  'step-audio-r1.5',
] as const;

const STEPFUN_HINTS: ProviderHints = {
  apiKey: 'create or copy an API key at https://platform.stepfun.com (接口密钥) and configure it',
  balance:
    'top up the StepFun account at https://platform.stepfun.com (余额不足: the account has no balance)',
  content: "StepFun's content review refused the request (451); change the persona's instructions",
  rateLimit:
    "StepFun's per-account limits were hit (the lowest tier allows 5 concurrent sessions and 10 requests a minute); wait, or raise the tier",
  model: 'use one of the model ids StepFun lists',
  endpoint:
    'use wss://api.stepfun.com/v1/realtime (or wss://api.stepfun.com/step_plan/v1/realtime for Step Plan)',
};

/** StepFun's lowest tier (V0: 5 concurrent, 10 RPM, https://platform.stepfun.com/docs/zh/guides/pricing/details). */
const LOWEST_TIER_BUDGET: ReconnectBudgetPolicy = {
  perSession: { max: 5, windowMs: 60_000 },
  perProcess: { max: 10, windowMs: 60_000 },
};

const allVoices = (...lists: (readonly VoiceInfo[])[]): VoiceInfo[] => {
  const seen = new Map<string, VoiceInfo>();
  for (const voice of lists.flat()) if (!seen.has(voice.id)) seen.set(voice.id, voice);
  return [...seen.values()];
};

export const stepfunProfile: ProviderProfile = {
  name: 'stepfun',
  dialect: 'stepfun',
  cancelSupported: true,
  appendWhileResponding: true,
  voiceMutableAfterAudio: false,
  // "实时会话的最长持续时间为30分钟" (https://platform.stepfun.com/docs/zh/guides/developer/realtime).
  maxSessionMs: 30 * 60_000,
  rolloverMarginMs: 5 * 60_000,
  models: STEPFUN_REALTIME_MODELS,
  defaultModel: 'stepaudio-2.5-realtime',
  // The launch articles' spelling; no StepFun page uses it.
  modelAliases: { 'step-2.5-realtime': 'stepaudio-2.5-realtime' },
  voices: allVoices(STEPFUN_REALTIME_VOICES, STEPFUN_3_PREVIEW_VOICES, STEPFUN_SYSTEM_VOICES),
  defaultVoice: 'linjiajiejie',
  vad: STEPFUN_VAD,
  transcriptionSetting: false,
  responseInstructions: false,
  hints: STEPFUN_HINTS,
  reconnectBudget: LOWEST_TIER_BUDGET,
};

/** StepAudio 3 Realtime (preview): the same protocol, think-while-speaking, its own voices and default. */
export const stepfun3PreviewProfile: ProviderProfile = {
  ...stepfunProfile,
  name: 'stepfun-3-preview',
  defaultModel: 'stepaudio-3-realtime-preview',
  voices: allVoices(STEPFUN_3_PREVIEW_VOICES, STEPFUN_REALTIME_VOICES, STEPFUN_SYSTEM_VOICES),
  defaultVoice: 'jingdiannvsheng',
};

/** StepFun's stateless endpoint, as its first-party CLI (stepfun-ai/Step-Realtime-CLI) describes it. */
export const stepfunStatelessProfile: ProviderProfile = {
  ...stepfunProfile,
  name: 'stepfun-stateless',
  cancelSupported: false,
  appendWhileResponding: false,
  models: ['step-overture-preview'],
  defaultModel: 'step-overture-preview',
  defaultVoice: 'jingdiannvsheng',
};

export const openaiProfile: ProviderProfile = {
  name: 'openai',
  dialect: 'openai',
  cancelSupported: true,
  appendWhileResponding: true,
  voiceMutableAfterAudio: false,
  maxSessionMs: 60 * 60_000,
  rolloverMarginMs: 5 * 60_000,
  models: ['gpt-realtime', 'gpt-4o-realtime-preview', 'gpt-4o-mini-realtime-preview'],
  defaultModel: 'gpt-realtime',
  modelAliases: {},
  voices: OPENAI_VOICES,
  defaultVoice: 'alloy',
  vad: OPENAI_VAD,
  transcriptionSetting: true,
  responseInstructions: true,
  hints: {
    apiKey: 'create an API key in the provider console and configure it',
    balance: 'add credit to the provider account',
    content: "the provider's content policy refused the request",
    rateLimit: 'the provider rate limit was hit; wait, or raise the limit',
    model: 'use a realtime model id the provider lists',
    endpoint: 'use the provider realtime WebSocket URL',
  },
  reconnectBudget: { perSession: { max: 5, windowMs: 60_000 }, perProcess: { max: 60, windowMs: 60_000 } },
};

export const providerProfiles = {
  stepfun: stepfunProfile,
  'stepfun-3-preview': stepfun3PreviewProfile,
  stateless: stepfunStatelessProfile,
  openai: openaiProfile,
} as const;

export type ProviderProfileName = keyof typeof providerProfiles;

/** A profile by its selectable name, or undefined for a name that is not one. */
export function profileByName(name: string): ProviderProfile | undefined {
  return Object.hasOwn(providerProfiles, name) ? providerProfiles[name as ProviderProfileName] : undefined;
}

/** The profile a model id implies (StepAudio 3 preview, the stateless model, OpenAI ids), else StepFun's. */
export function profileForModel(model: string): ProviderProfile {
  if (model === stepfun3PreviewProfile.defaultModel) return stepfun3PreviewProfile;
  if (stepfunStatelessProfile.models.includes(model)) return stepfunStatelessProfile;
  if (/^gpt-/.test(model)) return openaiProfile;
  return stepfunProfile;
}

/** The id to send for `model`: an alias becomes the id the provider lists. */
export function resolveModel(model: string, profile: ProviderProfile): { model: string; aliasOf?: string } {
  const canonical = Object.hasOwn(profile.modelAliases, model) ? profile.modelAliases[model] : undefined;
  return canonical ? { model: canonical, aliasOf: model } : { model };
}
