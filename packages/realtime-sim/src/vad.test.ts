import { describe, expect, it } from 'vitest';
import { EnergyVad, type VadEvent } from './vad.ts';
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

describe('EnergyVad', () => {
  it('finds one turn with prefix padding and stops after the silence duration', () => {
    const vad = new EnergyVad(RATE, { threshold: 0.5, prefixPaddingMs: 300, silenceDurationMs: 500 });
    const events = run(vad, silence(1000), synthesizeSpeech('a', 1200), silence(800));
    expect(events.map((e) => e.type)).toEqual(['speech_started', 'speech_stopped']);
    const [start, stop] = events as [
      Extract<VadEvent, { type: 'speech_started' }>,
      Extract<VadEvent, { type: 'speech_stopped' }>,
    ];
    expect(start.audioStartMs).toBeGreaterThanOrEqual(680);
    expect(start.audioStartMs).toBeLessThanOrEqual(710);
    expect(stop.audioEndMs).toBeGreaterThanOrEqual(2200 + 490);
    expect(stop.audioEndMs).toBeLessThanOrEqual(2200 + 520);
  });

  it('does not stop on pauses shorter than the silence duration', () => {
    const vad = new EnergyVad(RATE, { threshold: 0.5, prefixPaddingMs: 0, silenceDurationMs: 600 });
    const speech = synthesizeSpeech('a', 500);
    const events = run(vad, speech, silence(300), speech, silence(700));
    expect(events.map((e) => e.type)).toEqual(['speech_started', 'speech_stopped']);
  });

  it('ignores sound below the threshold and hears it with a lower threshold', () => {
    const quiet = synthesizeSpeech('a', 800).map((v) => Math.round(v / 20));
    expect(
      run(new EnergyVad(RATE, { threshold: 0.9, prefixPaddingMs: 0, silenceDurationMs: 200 }), quiet),
    ).toEqual([]);
    const heard = run(
      new EnergyVad(RATE, { threshold: 0.1, prefixPaddingMs: 0, silenceDurationMs: 200 }),
      quiet,
    );
    expect(heard[0]?.type).toBe('speech_started');
  });
});
