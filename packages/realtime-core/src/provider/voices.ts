// Voice ids StepFun documents for its realtime models, and a check for the ids a persona names.
//
// Sources: the realtime reference lists qingchunshaonv, wenrounansheng, elegantgentle-female and
// livelybreezy-female for step-audio-2 and uses linjiajiejie in its samples; `voice` accepts the
// "官方音色" of StepFun's TTS (https://platform.stepfun.com/docs/zh/api-reference/realtime/chat,
// session.update > voice), whose system voices are listed at
// https://platform.stepfun.com/docs/zh/api-reference/audio/system-voices; the later reference for
// stepaudio-3-realtime-preview names linjiajiejie, cixingnansheng, zhengpaiqingnian, wenrounvsheng,
// jingdiannvsheng (the server's default), vibrant-youth and lively-girl. Cloned voices get ids
// like "voice-tone-FmBrMBqicC" (https://platform.stepfun.com/docs/zh/api-reference/audio/create-voice).

export interface VoiceInfo {
  id: string;
  /** StepFun's Chinese name for it, when the docs give one. */
  name?: string;
}

const v = (id: string, name?: string): VoiceInfo => (name ? { id, name } : { id });

/** The realtime reference's own voices (step-audio-2 family) and the quick start's. */
export const STEPFUN_REALTIME_VOICES: readonly VoiceInfo[] = [
  v('qingchunshaonv', '青春少女'),
  v('wenrounansheng', '温柔男声'),
  v('elegantgentle-female', '高雅女声'),
  v('livelybreezy-female', '活力女声'),
  v('linjiajiejie', '邻家姐姐'),
];

/** Voices named for stepaudio-3-realtime-preview. */
export const STEPFUN_3_PREVIEW_VOICES: readonly VoiceInfo[] = [
  v('jingdiannvsheng', '经典女声'),
  v('linjiajiejie', '邻家姐姐'),
  v('cixingnansheng', '磁性男声'),
  v('zhengpaiqingnian', '正派青年'),
  v('wenrounvsheng', '温柔女声'),
  v('vibrant-youth'),
  v('lively-girl'),
];

/** StepFun's official (system) voices, which `voice` also accepts. */
export const STEPFUN_SYSTEM_VOICES: readonly VoiceInfo[] = [
  'boyinnansheng',
  'cixingnansheng',
  'elegantgentle-female',
  'energeticconfident-female',
  'ganliannvsheng',
  'huolinvsheng',
  'jilingshaonv',
  'jingdiannvsheng',
  'lengyanyujie',
  'linjiajiejie',
  'linjiameimei',
  'lively-girl',
  'livelybreezy-female',
  'magnetic-voiced-male',
  'qingchunshaonv',
  'qingniandaxuesheng',
  'qinhenvsheng',
  'qinqienvsheng',
  'ruanmengnvsheng',
  'ruyananshi',
  'shenchennanyin',
  'shuangkuaijiejie',
  'shuangkuainansheng',
  'soft-spoken-gentleman',
  'tianmeinvsheng',
  'vibrant-youth',
  'wenjingxuejie',
  'wenrougongzi',
  'wenrounansheng',
  'wenrounvsheng',
  'wenroushunv',
  'yingwennansheng',
  'yingwennvsheng',
  'youyanvsheng',
  'yuanqinansheng',
  'yuanqishaonv',
  'zhengpaiqingnian',
  'zhixingjiejie',
  'zixinnansheng',
].map((id) => v(id));

/** OpenAI's realtime voices, for the openai profile. */
export const OPENAI_VOICES: readonly VoiceInfo[] = [
  'alloy',
  'ash',
  'ballad',
  'coral',
  'echo',
  'sage',
  'shimmer',
  'verse',
  'marin',
  'cedar',
].map((id) => v(id));

/** A cloned (custom) voice id as StepFun's voice-clone API returns them. */
const CLONED_VOICE = /^voice-tone-[A-Za-z0-9]{4,64}$/;

export type VoiceCheck =
  | { kind: 'known'; voice: VoiceInfo }
  | { kind: 'cloned' }
  | { kind: 'unknown'; closest: string | undefined; warning: string };

/** Edit distance (insert, delete, substitute, transpose adjacent), case-insensitive. */
function distance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  const d: number[][] = Array.from({ length: x.length + 1 }, (_, i) => [
    i,
    ...Array<number>(y.length).fill(0),
  ]);
  for (let j = 1; j <= y.length; j++) d[0]![j] = j;
  for (let i = 1; i <= x.length; i++)
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1])
        best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  return d[x.length]![y.length]!;
}

/** The known voice id nearest to `id` (a typo's likely intent), if one is close enough to suggest. */
export function closestVoice(id: string, catalogue: readonly VoiceInfo[]): string | undefined {
  let best: { id: string; d: number } | undefined;
  for (const voice of catalogue) {
    const d = distance(id, voice.id);
    if (!best || d < best.d) best = { id: voice.id, d };
  }
  // Beyond a third of the name, a "suggestion" is a guess, not a correction.
  return best && best.d <= Math.max(2, Math.floor(id.length / 3)) ? best.id : undefined;
}

/**
 * Whether `id` is a voice the provider lists, a cloned voice id, or unknown (with a warning to log,
 * naming the closest known id). Unknown ids are not refused: the provider decides, this only warns.
 */
export function checkVoice(id: string, catalogue: readonly VoiceInfo[]): VoiceCheck {
  const known = catalogue.find((voice) => voice.id === id);
  if (known) return { kind: 'known', voice: known };
  if (CLONED_VOICE.test(id)) return { kind: 'cloned' };
  const closest = closestVoice(id, catalogue);
  const hint = closest ? `did you mean "${closest}"?` : 'check the spelling against the provider voice list';
  return {
    kind: 'unknown',
    closest,
    warning: `voice "${id}" is not a voice the provider lists and not a cloned voice id; ${hint}`,
  };
}
