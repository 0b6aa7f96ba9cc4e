import { describe, expect, it } from 'vitest';
import { planReply, truncateItem } from './reply.ts';
import { estimatePitchHz, synthesizeSpeech, voicePitchHz } from './voice-synth.ts';
import { invalidAudioReason } from './wire/pcm16.ts';

describe('reply planning', () => {
  it('names the labels it heard and sizes the reply from the heard audio', () => {
    const r = planReply('wenrounansheng', ['Alice', 'Bob'], 1400, {});
    expect(r.transcript).toBe('Alice and Bob, I heard you for 1.4 seconds. This is wenrounansheng speaking.');
    expect(r.ms).toBe(1500);
    expect(planReply('v', [], 60_000, { maxReplyMs: 3000 }).ms).toBe(3000);
    expect(planReply('v', [], 0, { replyMs: 250 })).toEqual({
      transcript: 'Greetings, friends. This is v speaking.',
      ms: 250,
    });
  });

  it('rejects non-base64 and odd-length PCM payloads', () => {
    expect(invalidAudioReason(Buffer.from([1, 2, 3, 4]).toString('base64'))).toBeUndefined();
    expect(invalidAudioReason('***')).toMatch(/base64/);
    expect(invalidAudioReason(Buffer.from([1, 2, 3]).toString('base64'))).toMatch(/odd length/);
  });

  it('truncates audio and transcript proportionally, refusing a cut past the end', () => {
    const item = { audioSamples: 24_000, transcript: 'abcdefghij', response: {} };
    expect(truncateItem(item, 2000, 24_000)).toMatch(/shorter than 2000ms/);
    expect(truncateItem(item, 500, 24_000)).toBeUndefined();
    expect(item).toEqual({ audioSamples: 12_000, transcript: 'abcde', response: {} });
  });
});

describe('voice synthesis', () => {
  it('speaks distinct voices at clearly distinct, measurable pitches', () => {
    const voices = ['qingchunshaonv', 'wenrounansheng', 'elegantgentle-female', 'livelybreezy-female'];
    const pitches = voices.map(voicePitchHz);
    for (let i = 0; i < pitches.length; i++)
      for (let j = i + 1; j < pitches.length; j++)
        expect(Math.abs(pitches[i]! - pitches[j]!)).toBeGreaterThanOrEqual(20);
    for (const v of voices) {
      expect(Math.abs(estimatePitchHz(synthesizeSpeech(v, 600), 24_000) - voicePitchHz(v))).toBeLessThan(5);
    }
    expect(synthesizeSpeech('x', 500)).toEqual(synthesizeSpeech('x', 500));
    expect(synthesizeSpeech('x', 500).length).toBe(12_000);
  });
});
