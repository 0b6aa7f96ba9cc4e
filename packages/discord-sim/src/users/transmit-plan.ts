/**
 * What a Discord client puts on the wire for each 20 ms of a clip, decided without I/O or clock.
 *
 * A real client in voice-activity mode (Discord's default input mode) stops sending while its VAD
 * hears silence: after the last voiced frame it sends five Opus silence frames (F8 FF FE) and then
 * nothing until speech resumes ("Voice Data Interpolation" in
 * https://discord.com/developers/docs/topics/voice-connections). Its RTP timestamp is a 48 kHz
 * sample clock, so it advances by the elapsed time across a gap while the sequence number counts
 * only packets actually sent (RFC 3550 §5.1). Push-to-talk sends everything while the key is held
 * and five silence frames at release; an open mic sends everything and never goes quiet.
 */

/** How the simulated user's client decides when to transmit. */
export type SpeakMode = 'voice-activity' | 'push-to-talk' | 'open-mic';

/** One 20 ms slot of the schedule: encoded audio, the F8 FF FE silence frame, or no packet. */
export type SlotKind = 'audio' | 'silence' | 'quiet';

/** Samples per 20 ms frame at 48 kHz. */
export const FRAME_SAMPLES = 960;
/** The silence frames Discord clients send when they stop transmitting. */
export const DISCORD_SILENCE_FRAMES = 5;
/** Default energy gate: a frame whose RMS is above this is speech. */
export const DEFAULT_VAD_THRESHOLD_DBFS = -50;

/**
 * Classifies each 20 ms frame of 48 kHz mono PCM as voiced (RMS above `thresholdDbfs`) or
 * silent. A partial last frame is measured as the encoder sees it: padded with zeros.
 */
export function classifyFrames(
  pcm48kMono: Int16Array,
  thresholdDbfs = DEFAULT_VAD_THRESHOLD_DBFS,
): boolean[] {
  const frames = Math.ceil(pcm48kMono.length / FRAME_SAMPLES);
  const limit = 32768 * 10 ** (thresholdDbfs / 20);
  const limitEnergy = limit * limit * FRAME_SAMPLES;
  const voiced: boolean[] = [];
  for (let f = 0; f < frames; f++) {
    let energy = 0;
    const end = Math.min(pcm48kMono.length, (f + 1) * FRAME_SAMPLES);
    for (let i = f * FRAME_SAMPLES; i < end; i++) {
      const s = pcm48kMono[i] ?? 0;
      energy += s * s;
    }
    voiced.push(energy > limitEnergy);
  }
  return voiced;
}

export interface PlanOptions {
  mode: SpeakMode;
  /** Voice-activity only: silent frames after speech still sent as audio, like a client's VAD hangover. */
  hangoverFrames: number;
  /** Silence frames after the clip (voice-activity: after its last voiced frame). */
  trailingSilenceFrames: number;
  /** Open-mic only: extra frames of encoded room silence after the clip. */
  roomSilenceFrames: number;
}

/**
 * The slot kinds for a clip whose frames are `voiced`; slot i < voiced.length is frame i, later
 * slots are the tail (room silence as audio, then silence frames).
 */
export function planTransmission(voiced: readonly boolean[], opts: PlanOptions): SlotKind[] {
  const frames = voiced.length;
  if (opts.mode !== 'voice-activity') {
    const room = opts.mode === 'open-mic' ? opts.roomSilenceFrames : 0;
    return [
      ...Array<SlotKind>(frames + room).fill('audio'),
      ...Array<SlotKind>(opts.trailingSilenceFrames).fill('silence'),
    ];
  }
  let lastVoiced = -1;
  for (let i = frames - 1; i >= 0 && lastVoiced < 0; i--) if (voiced[i]) lastVoiced = i;
  const slots: SlotKind[] = [];
  let sinceVoice = Number.POSITIVE_INFINITY; // no speech yet: a client that heard nothing sends nothing
  for (let i = 0; i < frames; i++) {
    if (voiced[i]) sinceVoice = 0;
    else sinceVoice++;
    // The final stretch's silence-frame count is the caller's (silenceFrames); inner ones are Discord's 5.
    const budget = i > lastVoiced ? opts.trailingSilenceFrames : DISCORD_SILENCE_FRAMES;
    if (sinceVoice <= opts.hangoverFrames) slots.push('audio');
    else if (sinceVoice - opts.hangoverFrames <= budget) slots.push('silence');
    else slots.push('quiet');
  }
  if (lastVoiced < 0) return slots;
  // The clip ended mid-stretch: the rest of the hangover and silence frames follow it.
  const sent = frames - 1 - lastVoiced;
  for (let k = sent + 1; k <= opts.hangoverFrames + opts.trailingSilenceFrames; k++)
    slots.push(k <= opts.hangoverFrames ? 'audio' : 'silence');
  return slots;
}

/** Lengths in ms of the stretches between sent packets in which nothing was sent. */
export function gapsOf(slots: readonly SlotKind[]): number[] {
  const gaps: number[] = [];
  let run = 0;
  let seenPacket = false;
  for (const kind of slots) {
    if (kind === 'quiet') {
      run++;
      continue;
    }
    if (seenPacket && run > 0) gaps.push(run * 20);
    seenPacket = true;
    run = 0;
  }
  return gaps;
}
