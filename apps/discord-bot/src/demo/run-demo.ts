import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TurnLatency, VoiceEvents } from '@troupe/discord';
import { createOpusDecoder } from '@troupe/opus';
import type { Logger } from 'pino';
import {
  INTERRUPTION,
  recordingOf,
  SCENE_STEPS,
  type SceneStep,
  STORY_STEP,
  scriptScene,
} from './demo-scene.ts';
import {
  ALICE_ID,
  channelMessages,
  GUILD_ID,
  type Harness,
  runCommand,
  startHarness,
  VOICE_CHANNEL_ID,
  XIAOMING_ID,
} from './harness.ts';
import { ListenerTimeline, LiveWavFile } from './live-wav.ts';
import { type DemoPauses, innerPauses, ModelInputTap } from './pause-timeline.ts';
import type { DemoLine } from './report.ts';
import { rmsDbfs } from './wav.ts';

/** What one demo run produced. */
export interface DemoResult {
  lines: DemoLine[];
  turns: TurnLatency[];
  wavPath: string;
  /** Length of the listener WAV: the whole scene, silences included. */
  wavMs: number;
  /** From the listener joining the channel to the bot leaving it. */
  sceneMs: number;
  /** Milliseconds of audio the listener received from the bot, and its level. */
  heardMs: number;
  heardDbfs: number;
  personasHeard: string[];
  /** Speaker labels the model received before its replies (proof it heard who spoke). */
  speakerLabels: string[];
  /** Responses the model cut short because someone barged in. */
  interruptedResponses: number;
  /** End-to-end encryption of the call, as the bot and a listener saw it. */
  e2ee: DemoE2ee;
  /** The scene's turns: who the player called, and the characters who spoke, in order. */
  scene: DemoSceneTurn[];
  /** Each spoken line's pauses, as said and as the model heard them (local model only). */
  pauses: DemoPauses[];
}

/** One player turn of the two-character scene. */
export interface DemoSceneTurn {
  player: string;
  /** The character the player called by name. */
  addressed: string;
  /** The characters' lines that followed, by name: the one called, then the one who reacted. */
  answeredBy: string[];
}

/** The call's DAVE state after the greeting, and what 小明's client made of every frame. */
export interface DemoE2ee {
  encrypted: boolean;
  protocolVersion: number;
  epoch: string | undefined;
  privacyCode: string | undefined;
  /** The listener derived the same privacy code: both ends are in the same MLS group. */
  listenerAgrees: boolean;
  framesDecrypted: number;
  /** Non-silence frames that reached the listener without end-to-end encryption (must be 0). */
  framesUnencrypted: number;
}

/** Options for {@link runDemo}. */
export interface DemoOptions {
  logger: Logger;
  /** Where to write demo-listener.wav (default ./out, falling back to a temp dir). */
  outDir?: string;
  /** Use a real realtime endpoint instead of realtime-sim. */
  realtime?: { url: string; apiKey: string; model?: string };
  /** Called for progress lines as they happen. */
  onLine?: (line: DemoLine) => void;
}

const STEP_TIMEOUT_MS = 15_000;

/**
 * The scripted scene (demo-scene.ts): Alice (English) summons the captain; 小明 adds the storyteller
 * (another voice) with /scene add; each player calls one character by name, who answers and calls
 * on the other, who reacts; then Alice cuts the captain short mid-story with a question for 老柳.
 */
export async function runDemo(o: DemoOptions): Promise<DemoResult> {
  const t0 = performance.now();
  const lines: DemoLine[] = [];
  const turns: TurnLatency[] = [];
  const scene: DemoSceneTurn[] = [];
  const push = (kind: DemoLine['kind'], who: string, text: string) => {
    const line = { atMs: performance.now() - t0, kind, who, text };
    lines.push(line);
    o.onLine?.(line);
  };
  push('event', 'demo', 'starting a local Discord and a local realtime model, logging the bot in…');
  const h: Harness = await startHarness({
    logger: o.logger,
    // The local model's replies are kept short: the whole scene plays in real time.
    ...(o.realtime ? { realtime: o.realtime } : { realtimeOptions: { replyMs: 1600 } }),
  });
  push(
    'event',
    'demo',
    `bot online; slash commands registered; model: ${o.realtime ? 'StepFun' : 'local simulator'}`,
  );
  let wav: ReturnType<typeof recordListener> | undefined;
  try {
    const voice = h.bot.voice;
    voice.on('transcript', (t) => {
      if (t.role === 'assistant') push('persona', t.persona.name, t.text);
      else push('user', t.speaker, t.text);
    });
    voice.on('turn', (t) => turns.push(t.latency));
    const waitFor = <K extends keyof VoiceEvents>(
      event: K,
      match: (...args: VoiceEvents[K]) => boolean,
      what: string,
    ): Promise<void> =>
      new Promise((res, rej) => {
        const timer = setTimeout(
          () => rej(new Error(`demo: timed out waiting for ${what}`)),
          STEP_TIMEOUT_MS,
        );
        const fn = (...args: VoiceEvents[K]) => {
          if (!match(...args)) return;
          clearTimeout(timer);
          voice.off(event, fn);
          res();
        };
        voice.on(event, fn);
      });
    const personaSaid = (name: string, what: string, addressing?: string) =>
      waitFor(
        'transcript',
        (t) =>
          t.role === 'assistant' && t.persona.name === name && (!addressing || t.text.includes(addressing)),
        what,
      );
    const slash = async (
      who: string,
      name: string,
      sub: string | undefined,
      options: Record<string, string> | undefined,
      label: string,
    ) => {
      push('command', who, label);
      const shown = channelMessages(h, VOICE_CHANNEL_ID).length;
      const reply = await runCommand(h, who, name, sub, options);
      push('event', 'bot (to them only)', reply.content.replace(/\s+/g, ' ').slice(0, 140));
      for (const notice of channelMessages(h, VOICE_CHANNEL_ID).slice(shown))
        push('event', 'bot (to everyone)', notice.replace(/\s+/g, ' ').slice(0, 160));
    };

    await h.discord.joinVoice(ALICE_ID, VOICE_CHANNEL_ID);
    await h.discord.joinVoice(XIAOMING_ID, VOICE_CHANNEL_ID);
    // From here on, what 小明 hears is written to the WAV as it arrives, silences kept.
    wav = recordListener(h, o.outDir);
    push(
      'event',
      'Alice, 小明',
      `joined voice channel #Tavern (recording what 小明 hears to ${wav.file.path})`,
    );

    const captain = (await h.bot.registry.get(GUILD_ID, 'captain-mara'))!.persona;
    const teller = (await h.bot.registry.get(GUILD_ID, 'shuoshu-ren'))!.persona;
    const names = { captain: captain.name, teller: teller.name };
    const ids: Record<string, string> = { Alice: ALICE_ID, 小明: XIAOMING_ID };
    // What each player says now, as the local model hears it (unused with the real model).
    const saying = new Map<string, SceneStep>();
    // What the local model heard of each line, to compare its pauses with the recording's.
    const modelInput = o.realtime ? undefined : new ModelInputTap(h.realtime);
    const pauses: DemoPauses[] = [];
    if (!o.realtime) scriptScene(h.realtime, { captain: captain.voice, teller: teller.voice }, saying);
    const greeted = personaSaid(captain.name, 'the captain’s greeting');
    await slash('Alice', 'join', undefined, { persona: captain.id }, '/join persona:captain-mara');
    await greeted;
    const callE2ee = h.bot.voice.get(GUILD_ID)?.status().e2ee;
    const listenerCode = h.discord.dave.participant(XIAOMING_ID)?.privacyCode;
    push(
      'event',
      'Discord voice',
      callE2ee?.ready
        ? `call is end-to-end encrypted (DAVE v${callE2ee.protocolVersion}, epoch ${callE2ee.epoch}); privacy code ${spaced(callE2ee.privacyCode)}`
        : 'call is NOT end-to-end encrypted',
    );

    // Transcripts arrive faster than speech plays: let each reply be heard before the next step.
    const aliceEars = h.discord.listener(ALICE_ID);
    const untilQuiet = async (quietMs = 400) => {
      const deadline = performance.now() + STEP_TIMEOUT_MS;
      while (performance.now() < deadline) {
        const last = aliceEars.lastAudioAt;
        if (last !== undefined && performance.now() - last >= quietMs) return;
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    await untilQuiet();
    // A second character joins: the storyteller, in his own voice, greets the scene.
    const tellerGreets = personaSaid(teller.name, 'the storyteller’s greeting');
    await slash('小明', 'scene', 'add', { persona: teller.id }, '/scene add persona:shuoshu-ren');
    await tellerGreets;
    await untilQuiet();

    /** `step.player` speaks; resolves once `waits` are met and the scene is quiet again. */
    const speakStep = async (step: SceneStep, waits: Promise<void>[]) => {
      saying.set(step.player, step);
      const hears = o.realtime ? 'a recorded phrase' : `a recorded phrase, heard as “${step.heard}”`;
      push('event', step.player, `speaks (${hears})…`);
      const mark = modelInput?.mark();
      const clip = recordingOf(step.recording);
      await h.discord.speak(ids[step.player]!, clip);
      await Promise.all(waits);
      if (modelInput && mark)
        pauses.push({
          player: step.player,
          spoken: innerPauses(clip),
          heard: innerPauses(modelInput.since(mark)),
        });
    };
    // Each player calls one character by name; the one called answers and calls the other, who reacts.
    for (const step of SCENE_STEPS) {
      const addressed = names[step.addressed];
      const other = step.addressed === 'captain' ? names.teller : names.captain;
      const from = lines.length;
      // The real model hears the recordings (which name nobody) and decides for itself whom it
      // calls on: any answer will do. The local one is scripted to call the other character.
      const waits = o.realtime
        ? [waitFor('transcript', (t) => t.role === 'assistant', 'an answer')]
        : [personaSaid(addressed, `${addressed}’s answer`), personaSaid(other, `${other}’s reaction`)];
      await speakStep(step, waits);
      await untilQuiet();
      const answeredBy = lines
        .slice(from)
        .filter((l) => l.kind === 'persona')
        .map((l) => l.who);
      scene.push({ player: step.player, addressed, answeredBy });
    }

    // 小明 asks the captain for a story; as soon as it reaches Alice, she cuts in with a question for 老柳.
    const audibleSoFar = aliceEars.heard().packets.filter((p) => !p.silence).length;
    await speakStep(STORY_STEP, []);
    // 10 packets = the first 200 ms of the captain's story reached Alice.
    await aliceEars.waitForPackets(audibleSoFar + 10, STEP_TIMEOUT_MS);
    push('event', 'Alice', 'interrupts the captain mid-story');
    const afterInterrupt = o.realtime
      ? waitFor('transcript', (t) => t.role === 'assistant', 'an answer to Alice')
      : personaSaid(teller.name, 'the storyteller’s answer to Alice', 'Alice');
    await speakStep(INTERRUPTION, [afterInterrupt]);
    await untilQuiet();

    await slash('Alice', 'leave', undefined, undefined, '/leave');

    // What 小明 heard: 48 kHz interleaved stereo, decrypted and decoded from the bot's packets.
    const heard = h.discord.listener(XIAOMING_ID).heard();
    const pcm = heard.pcm;
    const endMs = performance.now();
    h.discord.listener(XIAOMING_ID).onPacket = undefined;
    wav.file.writeSilence(wav.timeline.finish(endMs));
    const wavMs = wav.file.close();
    const sceneMs = endMs - wav.startedAt;
    push(
      'event',
      'demo',
      `listener WAV closed: ${(wavMs / 1000).toFixed(1)} s for a ${(sceneMs / 1000).toFixed(1)} s scene`,
    );
    const e2ee: DemoE2ee = {
      encrypted: callE2ee?.ready === true,
      protocolVersion: callE2ee?.protocolVersion ?? 0,
      epoch: callE2ee?.epoch?.toString(),
      privacyCode: callE2ee?.privacyCode,
      listenerAgrees: callE2ee?.privacyCode !== undefined && listenerCode === callE2ee.privacyCode,
      framesDecrypted: heard.packets.filter((p) => p.e2ee === 'decrypted').length,
      framesUnencrypted: heard.unencryptedFrames,
    };
    const personasHeard = [...new Set(lines.filter((l) => l.kind === 'persona').map((l) => l.who))];
    return {
      lines,
      turns,
      wavPath: wav.file.path,
      wavMs,
      sceneMs,
      heardMs: (pcm.length / 2 / 48_000) * 1000,
      heardDbfs: rmsDbfs(pcm),
      personasHeard,
      speakerLabels: [...new Set(h.realtime.responses.flatMap((r) => r.labels))],
      interruptedResponses: h.realtime.responses.filter((r) => r.cancelled || r.truncatedAtMs !== undefined)
        .length,
      e2ee,
      scene,
      pauses,
    };
  } finally {
    if (wav) h.discord.listener(XIAOMING_ID).onPacket = undefined;
    await h.close();
  }
}

/** A 30-digit privacy code in groups of five, as Discord clients show it. */
function spaced(code: string | undefined): string {
  return code?.replace(/(\d{5})(?=\d)/g, '$1 ') ?? '(none)';
}

/** Starts writing what 小明 hears, packet by packet, at the time each arrives. */
function recordListener(
  h: Harness,
  outDir: string | undefined,
): { file: LiveWavFile; timeline: ListenerTimeline; startedAt: number } {
  const startedAt = performance.now();
  const file = openListenerWav(outDir);
  const timeline = new ListenerTimeline({ sampleRate: 48_000, channels: 2, startMs: startedAt });
  const decoder = createOpusDecoder({ sampleRate: 48_000, channels: 2 });
  const silence = new Int16Array(960 * 2);
  h.discord.listener(XIAOMING_ID).onPacket = (opus, packet) => {
    const pcm = packet.silence ? silence : (decoder.decode(opus) ?? silence);
    const placed = timeline.place(packet.arrivalMs, pcm);
    file.writeSilence(placed.silenceFrames);
    file.write(placed.pcm);
  };
  return { file, timeline, startedAt };
}

function openListenerWav(outDir: string | undefined): LiveWavFile {
  // Default: <repo>/out (git-ignored), else a temp dir, created only if the first is not writable.
  const dirs: (() => string)[] = outDir
    ? [() => outDir]
    : [
        () => resolve(import.meta.dirname, '../../../../out'),
        () => mkdtempSync(join(tmpdir(), 'troupe-demo-')),
      ];
  const tried: string[] = [];
  for (const dir of dirs) {
    try {
      const path = join(dir(), 'demo-listener.wav');
      tried.push(path);
      return new LiveWavFile(path, 48_000, 2);
    } catch {
      // Not writable (e.g. read-only checkout): try the next location.
    }
  }
  throw new Error(`demo: could not write demo-listener.wav (tried ${tried.join(', ') || 'no location'})`);
}
