// A guild's VAD settings turned into the session's server-VAD config for the provider in use.
// The store keeps the energy threshold provider-neutral, as a fraction of full scale (0..1):
// StepFun takes `energy_awakeness_threshold` on its own 0–5000 scale, OpenAI a 0–1 `threshold`
// (see realtime-core's provider/vad.ts for the documented ranges).
import { type TurnDetection, turnDetectionProblems, type VadSpec } from '@troupe/realtime-core';
import type { GuildVad } from '../voice-port.ts';

/** The session's turn detection: the guild's values where set, else the bot's silence default. */
export function guildTurnDetection(
  vad: GuildVad | undefined,
  defaults: { silenceMs: number },
  spec: VadSpec,
): TurnDetection {
  const td: TurnDetection = { type: 'server_vad', silenceDurationMs: vad?.silenceMs ?? defaults.silenceMs };
  if (vad?.prefixPaddingMs != null) td.prefixPaddingMs = vad.prefixPaddingMs;
  const energy = vad?.energyThreshold;
  if (energy != null) {
    if (spec.energyThreshold) td.energyThreshold = Math.round(energy * spec.energyThreshold.max);
    else if (spec.threshold) td.threshold = energy;
  }
  return td;
}

/** Problems with a guild's VAD for this provider, one line each (empty when usable). */
export function guildVadProblems(vad: GuildVad, spec: VadSpec): string[] {
  return turnDetectionProblems(
    guildTurnDetection(vad, { silenceMs: spec.silenceDurationMs.default }, spec),
    spec,
  );
}
