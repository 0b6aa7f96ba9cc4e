/**
 * What a provider actually does, as switches: code reads the profile instead of
 * special-casing provider names (research/stepfun-realtime.md "Quirks").
 */
export interface ProviderProfile {
  name: string;
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
  /** Other spelling(s) of model ids, named in the error when the server rejects the model. */
  modelAliases: Readonly<Record<string, string>>;
}

export const stepfunProfile: ProviderProfile = {
  name: 'stepfun',
  cancelSupported: true,
  appendWhileResponding: true,
  voiceMutableAfterAudio: false,
  maxSessionMs: 30 * 60_000,
  rolloverMarginMs: 5 * 60_000,
  modelAliases: {
    'step-2.5-realtime': 'stepaudio-2.5-realtime',
    'stepaudio-2.5-realtime': 'step-2.5-realtime',
  },
};

/** StepFun's stateless endpoint, as its first-party CLI describes it. */
export const stepfunStatelessProfile: ProviderProfile = {
  ...stepfunProfile,
  name: 'stepfun-stateless',
  cancelSupported: false,
  appendWhileResponding: false,
};

export const openaiProfile: ProviderProfile = {
  name: 'openai',
  cancelSupported: true,
  appendWhileResponding: true,
  voiceMutableAfterAudio: false,
  maxSessionMs: 60 * 60_000,
  rolloverMarginMs: 5 * 60_000,
  modelAliases: {},
};
