import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TurnLatency, VoiceEvents } from '@troupe/discord';
import { fixturePath } from '@troupe/discord-sim';
import { createOpusDecoder } from '@troupe/opus';
import type { Logger } from 'pino';
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
 * The scripted scene: Alice (English) summons the captain, talks; 小明 switches to the storyteller by
 * slash command (different voice) and speaks Chinese; Alice interrupts the storyteller mid-reply.
 */
export async function runDemo(o: DemoOptions): Promise<DemoResult> {
  const t0 = performance.now();
  const lines: DemoLine[] = [];
  const turns: TurnLatency[] = [];
  const push = (kind: DemoLine['kind'], who: string, text: string) => {
    const line = { atMs: performance.now() - t0, kind, who, text };
    lines.push(line);
    o.onLine?.(line);
  };
  push('event', 'demo', 'starting a local Discord and a local realtime model, logging the bot in…');
  const h: Harness = await startHarness({
    logger: o.logger,
    ...(o.realtime ? { realtime: o.realtime } : {}),
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
    const captainReply = personaSaid(captain.name, 'the captain’s reply');
    push('event', 'Alice', 'starts speaking (a recorded English phrase)…');
    await h.discord.speak(ALICE_ID, fixturePath('en-alice'));
    await captainReply;
    await untilQuiet();

    await slash('小明', 'persona', 'set', { persona: teller.id }, '/persona set persona:shuoshu-ren');

    // 小明 asks in Chinese; as soon as the storyteller's audio reaches Discord, Alice barges in.
    const audibleSoFar = aliceEars.heard().packets.filter((p) => !p.silence).length;
    push('event', '小明', 'starts speaking (a recorded Chinese phrase)…');
    await h.discord.speak(XIAOMING_ID, fixturePath('zh-mei'));
    // 10 packets = the first 200 ms of the storyteller's answer reached Alice.
    await aliceEars.waitForPackets(audibleSoFar + 10, STEP_TIMEOUT_MS);
    push('event', 'Alice', 'interrupts the storyteller mid-reply');
    const afterInterrupt = personaSaid(teller.name, 'the storyteller’s answer to Alice', 'Alice');
    await h.discord.speak(ALICE_ID, fixturePath('en-alice'));
    await afterInterrupt;
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
