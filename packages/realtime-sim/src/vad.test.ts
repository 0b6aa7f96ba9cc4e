import { describe, expect, it } from 'vitest';
import { EnergyVad, openaiVad, stepfunVad, type VadEvent } from './vad.ts';
import { synthesizeSpeech } from './voice-synth.ts';

const RATE = 24_000;
const silence = (ms: number) => new Int16Array((RATE * ms) / 1000);

function run(vad: EnergyVad, ...parts: Int16Array[]): VadEvent[] {
  // Small, uneven pushes: the detector must not depend on how the client chunks audio.
  const events: VadEvent[] = [];
  for (const p of parts)
    for (let at = 0; at < p.length; at += 777) events.push(...vad.push(p.subarray(at, at + 777)));
  return events;
}

const started = (e: VadEvent[]) => e[0] as Extract<VadEvent, { type: 'speech_started' }>;
const stopped = (e: VadEvent[]) => e[1] as Extract<VadEvent, { type: 'speech_stopped' }>;

describe('EnergyVad with StepFun settings', () => {
  it("uses the reference's defaults: prefix 500 ms, silence 100 ms, energy 2500", () => {
    expect(stepfunVad({})).toMatchObject({ startRms: 2500, prefixPaddingMs: 500, silenceDurationMs: 100 });
  });

  it('finds one turn with prefix padding and stops after the silence duration', () => {
    const vad = new EnergyVad(RATE, stepfunVad({ silence_duration_ms: 500, prefix_padding_ms: 300 }));
    const events = run(vad, silence(1000), synthesizeSpeech('a', 1200), silence(800));
    expect(events.map((e) => e.type)).toEqual(['speech_started', 'speech_stopped']);
    // The synthetic voice crosses 2500 RMS a few windows into its first syllable.
    expect(started(events).audioStartMs).toBeGreaterThanOrEqual(680);
    expect(started(events).audioStartMs).toBeLessThanOrEqual(800);
    expect(stopped(events).audioEndMs).toBeGreaterThanOrEqual(2200 + 490);
    expect(stopped(events).audioEndMs).toBeLessThanOrEqual(2200 + 520);
  });

  it('does not stop on pauses shorter than the silence duration', () => {
    const vad = new EnergyVad(RATE, stepfunVad({ prefix_padding_ms: 0, silence_duration_ms: 600 }));
    const speech = synthesizeSpeech('a', 500);
    const events = run(vad, speech, silence(300), speech, silence(700));
    expect(events.map((e) => e.type)).toEqual(['speech_started', 'speech_stopped']);
  });

  it('wakes only above energy_awakeness_threshold, and a lower threshold hears quiet speech', () => {
    const quiet = synthesizeSpeech('a', 800).map((v) => Math.round(v / 4)); // peaks near 1500 RMS
    expect(run(new EnergyVad(RATE, stepfunVad({ silence_duration_ms: 200 })), quiet)).toEqual([]);
    const heard = run(
      new EnergyVad(RATE, stepfunVad({ energy_awakeness_threshold: 800, silence_duration_ms: 200 })),
      quiet,
    );
    expect(heard[0]?.type).toBe('speech_started');
  });
});

describe('EnergyVad with OpenAI settings', () => {
  it('maps threshold 0..1 onto a level and hears quiet sound only with a low threshold', () => {
    const quiet = synthesizeSpeech('a', 800).map((v) => Math.round(v / 20));
    expect(run(new EnergyVad(RATE, openaiVad({ threshold: 0.9, silence_duration_ms: 200 })), quiet)).toEqual(
      [],
    );
    const heard = run(new EnergyVad(RATE, openaiVad({ threshold: 0.1, silence_duration_ms: 200 })), quiet);
    expect(heard[0]?.type).toBe('speech_started');
  });
});
