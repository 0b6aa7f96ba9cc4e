import { describe, expect, it } from 'vitest';
import { classifyFrames, gapsOf, type PlanOptions, planTransmission } from './transmit-plan.ts';

const va: PlanOptions = {
  mode: 'voice-activity',
  hangoverFrames: 0,
  trailingSilenceFrames: 5,
  roomSilenceFrames: 0,
};
/** `#` voiced frame, `_` silent frame. */
const frames = (pattern: string) => [...pattern].map((c) => c === '#');
/** `A` audio, `s` silence frame, `.` nothing sent. */
const show = (slots: readonly string[]) =>
  slots.map((k) => (k === 'audio' ? 'A' : k === 'silence' ? 's' : '.')).join('');

describe('classifyFrames', () => {
  it('gates 20 ms frames on RMS at -50 dBFS by default', () => {
    const pcm = new Int16Array(960 * 4);
    pcm.fill(200, 0, 960); // -44 dBFS: speech
    pcm.fill(50, 960, 1920); // -56 dBFS: silence
    pcm.fill(200, 2880, 2900); // a click too short to lift the frame's RMS
    expect(classifyFrames(pcm)).toEqual([true, false, false, false]);
    expect(classifyFrames(pcm, -60)).toEqual([true, true, false, false]);
  });

  it('measures a partial last frame padded with zeros', () => {
    expect(classifyFrames(new Int16Array(960 + 1).fill(3000))).toEqual([true, false]);
    expect(classifyFrames(new Int16Array(960 + 480).fill(3000))).toEqual([true, true]);
  });
});

describe('planTransmission: voice-activity', () => {
  it('a long pause: 5 silence frames, then nothing until speech resumes', () => {
    const slots = planTransmission(frames(`###${'_'.repeat(15)}##`), va);
    expect(show(slots)).toBe(`AAAsssss${'.'.repeat(10)}AAsssss`);
    expect(gapsOf(slots)).toEqual([200]);
  });

  it('a short pause: only as many silence frames as it lasts, and no gap', () => {
    expect(show(planTransmission(frames('##__##'), va))).toBe('AAssAAsssss');
    expect(show(planTransmission(frames('##_##'), va))).toBe('AAsAAsssss');
    expect(gapsOf(planTransmission(frames('##___##'), va))).toEqual([]);
  });

  it('sends nothing before the first word and nothing for a clip without speech', () => {
    expect(show(planTransmission(frames('___##'), va))).toBe('...AAsssss');
    expect(gapsOf(planTransmission(frames('___##'), va))).toEqual([]);
    expect(planTransmission(frames('____'), va).every((k) => k === 'quiet')).toBe(true);
  });

  it('the clip end is a silent stretch: trailing silence inside the clip counts toward the 5', () => {
    expect(show(planTransmission(frames('##__'), va))).toBe('AAsssss');
    expect(show(planTransmission(frames('##________'), va))).toBe('AAsssss...');
    expect(show(planTransmission(frames('##__'), { ...va, trailingSilenceFrames: 0 }))).toBe('AA..');
    expect(show(planTransmission(frames('##_'), { ...va, trailingSilenceFrames: 2 }))).toBe('AAss');
  });

  it('silenceFrames overrides only the final stretch; inner pauses keep Discord’s 5', () => {
    const slots = planTransmission(frames(`##${'_'.repeat(8)}##`), { ...va, trailingSilenceFrames: 1 });
    expect(show(slots)).toBe('AAsssss...AAs');
  });

  it('a hangover keeps sending audio for that many silent frames first', () => {
    const slots = planTransmission(frames(`##${'_'.repeat(9)}##`), { ...va, hangoverFrames: 2 });
    expect(show(slots)).toBe('AAAAsssss..AAAAsssss');
    expect(gapsOf(slots)).toEqual([40]);
  });
});

describe('planTransmission: push-to-talk and open-mic', () => {
  it('push-to-talk sends every frame, silences as audio, then the release silence frames', () => {
    expect(show(planTransmission(frames('#__#'), { ...va, mode: 'push-to-talk' }))).toBe('AAAAsssss');
  });

  it('open-mic sends every frame and room silence after the clip, never silence frames by default', () => {
    const open: PlanOptions = { ...va, mode: 'open-mic', trailingSilenceFrames: 0, roomSilenceFrames: 3 };
    expect(show(planTransmission(frames('#__#'), open))).toBe('AAAAAAA');
    expect(gapsOf(planTransmission(frames('#__#'), open))).toEqual([]);
  });
});
