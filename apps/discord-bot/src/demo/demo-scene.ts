// The demo's two-character scene: what the players say and, with the local model, what it hears
// and answers. The players speak recorded phrases (discord-sim's speech fixtures); the local model
// cannot understand them, so it is scripted (realtime-sim's `script`) to hear each turn as the line
// the demo gives it and to answer in character. The words reach the bot only through the model's
// own transcription and reply events, so the scene (who is addressed, who reacts) runs exactly as
// it would on StepFun. With the real model the script is unused and the model hears the recordings.
import { type FixtureName, fixturePath, readWav } from '@troupe/discord-sim';
import type { RealtimeSim, ReplyContext } from '@troupe/realtime-sim';

/** One player turn of the scene. */
export interface SceneStep {
  /** Username of the speaker (the demo's Alice or 小明). */
  player: string;
  /** The recording they speak. */
  recording: FixtureName;
  /** What the local model hears them say. */
  heard: string;
  /** The character called by name, who answers. */
  addressed: 'captain' | 'teller';
  /** The local model's answer: it calls the other character, who reacts. */
  answer?: string;
  /** The other character's reaction (local model). */
  reaction?: string;
}

export const SCENE_STEPS: readonly SceneStep[] = [
  {
    player: 'Alice',
    recording: 'en-alice',
    heard: 'Captain Mara, where are we headed tonight?',
    addressed: 'captain',
    answer: "To the Dragon's Teeth, where the old wreck lies. 老柳，你给大家讲讲那片礁石吧。",
    reaction: '好嘞。那龙牙礁啊，三百年来吞了九十九条船。',
  },
  {
    player: '小明',
    recording: 'zh-mei',
    heard: '老柳，那条龙真的还睡在礁石下面吗？',
    addressed: 'teller',
    answer: '在，在！它每逢月圆就翻一次身。Mara，你亲眼见过，对吧？',
    reaction: 'Aye, I have. Its eye was as big as our mainsail.',
  },
];

/** The turn that is interrupted: the captain tells a long story, and Alice cuts in. */
export const STORY_STEP: SceneStep = {
  player: '小明',
  recording: 'zh-mei',
  heard: 'Mara 船长，给我们讲讲那场风暴吧。',
  addressed: 'captain',
  answer: 'The storm came at midnight. The waves rose higher than the mast, and the sky turned green.',
};

export const INTERRUPTION: SceneStep = {
  player: 'Alice',
  recording: 'en-alice',
  heard: 'Wait! 老柳, is that really true?',
  addressed: 'teller',
  answer: 'Alice，千真万确。那一夜我就在船上。',
};

/** How much of each recording is spoken: enough for a turn, short enough to keep the demo brisk. */
const SPOKEN_MS = 2400;

/** The first part of a recording, as 48 kHz mono samples. */
export function recordingOf(name: FixtureName): Int16Array {
  const audio = readWav(fixturePath(name));
  return audio.samples.subarray(0, (audio.sampleRate * SPOKEN_MS) / 1000);
}

/**
 * Scripts the local model: each turn is heard as the line the demo says its speaker says now
 * (`saying`, by the speaker's label), and each character answers the line it was asked about.
 */
export function scriptScene(
  sim: RealtimeSim,
  voices: { captain: string; teller: string },
  saying: Map<string, SceneStep>,
): void {
  const steps = [...SCENE_STEPS, STORY_STEP, INTERRUPTION];
  sim.script.transcribe = (heard) => saying.get(heard.labels.at(-1) ?? '')?.heard;
  sim.script.reply = (r: ReplyContext) => {
    const who = r.voice === voices.captain ? 'captain' : r.voice === voices.teller ? 'teller' : undefined;
    if (!who) return undefined;
    // The other character's line that called this one (the newest item): a reaction to it.
    const latest = r.items.at(-1)?.text ?? '';
    const calledBy = steps.find((s) => s.answer && s.addressed !== who && latest.includes(s.answer));
    if (calledBy) return calledBy.reaction;
    // Otherwise the player's turn, answered by the character it called.
    const step = steps.find((s) => s.heard === r.heardText);
    return step?.addressed === who ? step.answer : undefined;
  };
}
