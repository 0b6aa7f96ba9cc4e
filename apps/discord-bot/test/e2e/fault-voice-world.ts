// Shared by the voice fault tests: the real bot (createBot) in one guild of the fault world with
// realtime-sim, a tap on what the bot sends the model (labels and appended audio per turn), and
// taps that count crashes and the datagrams reaching the bot's voice UDP socket.
import { getVoiceConnection, type VoiceConnection } from '@discordjs/voice';
import type { VoiceSessionPort } from '@troupe/discord';
import { createWsTransport, type TransportFactory } from '@troupe/realtime-core';
import { expect } from 'vitest';
import { type FaultGuild, type FaultWorld, startFaultWorld, type USERS } from './fault-world.ts';

/** One user turn as the model received it: the speaker label, then the audio appended after it. */
export interface ModelTurn {
  label: string;
  pcm: Int16Array[];
}

/** Records every label and audio append the bot sends to the model, in wire order. */
export class ModelTap {
  readonly turns: ModelTurn[] = [];
  /** Model connections the bot opened (attempts, refused ones included). */
  opens = 0;
  readonly factory: TransportFactory = (options) => {
    this.opens++;
    const transport = createWsTransport(options);
    const send = transport.send.bind(transport);
    transport.send = (data: string) => {
      this.#record(data);
      send(data);
    };
    return transport;
  };

  /** Audio appended for the first turn labelled `[label]`, concatenated. */
  audioOf(label: string): Int16Array {
    const turn = this.turns.find((t) => t.label === `[${label}]`);
    const out = new Int16Array(turn?.pcm.reduce((n, c) => n + c.length, 0) ?? 0);
    let at = 0;
    for (const c of turn?.pcm ?? []) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }

  #record(data: string): void {
    // Only the two event types that carry a turn; cheap prefix checks keep this off the hot path.
    if (data.includes('"input_audio_buffer.append"')) {
      const { audio } = JSON.parse(data) as { audio: string };
      const bytes = Buffer.from(audio, 'base64');
      this.turns.at(-1)?.pcm.push(new Int16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >> 1));
    } else if (data.includes('"conversation.item.create"')) {
      const e = JSON.parse(data) as { item?: { role?: string; content?: { text?: string }[] } };
      const text = e.item?.content?.[0]?.text;
      if (e.item?.role === 'user' && text?.startsWith('[')) this.turns.push({ label: text, pcm: [] });
    }
  }
}

export interface VoiceFaultWorld {
  w: FaultWorld;
  g: FaultGuild;
  tap: ModelTap;
  /** Uncaught exceptions and unhandled rejections while the world ran. */
  crashes: unknown[];
  close(): Promise<void>;
}

/** One guild; `inVoice` users sit in its voice channel from the start. */
export async function startVoiceFaultWorld(
  inVoice: (typeof USERS)[number][],
  tuning: Record<string, unknown> = {},
): Promise<VoiceFaultWorld> {
  const crashes: unknown[] = [];
  const onCrash = (err: unknown) => crashes.push(err);
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  const tap = new ModelTap();
  const w = await startFaultWorld({
    guilds: 1,
    realtime: true,
    inVoice: inVoice.map((user) => ({ guild: 0, user })),
    voiceOptions: { transportFactory: tap.factory, tuning: { idleLeaveMs: 60_000, ...tuning } },
  });
  return {
    w,
    g: w.guilds[0] as FaultGuild,
    tap,
    crashes,
    async close() {
      try {
        await w.close();
      } finally {
        process.off('uncaughtException', onCrash);
        process.off('unhandledRejection', onCrash);
      }
    },
  };
}

/** `/join` as `user` (who sits in the voice channel); resolves with the live session once the reply says so. */
export async function joinByCommand(v: VoiceFaultWorld, user: string): Promise<VoiceSessionPort> {
  const handle = await v.w.discord.slash({ user, guild: v.g.id, channel: v.g.textId }, 'join');
  // The final answer (a "⏳ Joining…" edit may come first when Discord is slow to answer).
  await handle.waitFor((r) => r.kind === 'edit' && !String(r.data.content).startsWith('⏳'), 25_000);
  expect(handle.content).toMatch(/joined/);
  const session = v.w.bot.voice.get(v.g.id);
  if (!session) throw new Error(`/join answered "${handle.content}" but no voice session is live`);
  return session;
}

/** The bot's @discordjs/voice connection in the guild (throws when there is none). */
export function connectionOf(v: VoiceFaultWorld): VoiceConnection {
  const c = getVoiceConnection(v.g.id);
  if (!c) throw new Error('the bot has no voice connection in the fault guild');
  return c;
}

/** Counts datagrams arriving at the bot's voice UDP socket (the kernel's view, before any parsing). */
export function countBotDatagrams(connection: VoiceConnection): { readonly received: number } {
  const state = connection.state as { networking?: { state?: { udp?: { socket?: NodeJS.EventEmitter } } } };
  const socket = state.networking?.state?.udp?.socket;
  if (!socket) throw new Error('the voice connection has no UDP socket yet');
  const counter = { received: 0 };
  socket.on('message', () => counter.received++);
  return counter;
}

/** The bot's log lines (JSON) whose `msg` matches. */
export function logsMatching(w: FaultWorld, msg: RegExp): Record<string, unknown>[] {
  return w.logs
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((l) => typeof l.msg === 'string' && msg.test(l.msg));
}

/** Completed answers to turns labelled `label`. */
export function answered(v: VoiceFaultWorld, label: string): number {
  return v.w.realtime!.responses.filter((r) => r.labels.includes(label) && r.status === 'completed').length;
}

/**
 * Voice works both ways: `user` says `clip` (48 kHz mono), the model gets a turn labelled with
 * their name and answers it, and the answer is heard in the channel. Resolves with the answer.
 */
export async function voiceWorks(v: VoiceFaultWorld, user: string, clip: Int16Array) {
  const rt = v.w.realtime!;
  const listener = v.w.discord.listener(user);
  const before = listener.heard();
  const audibleBefore = before.packets.length - before.silenceFrames;
  const answers = answered(v, user);
  const turns = v.tap.turns.length;
  await v.w.discord.speak(user, clip);
  const answer = await rt.waitFor(
    () => rt.responses.filter((r) => r.labels.includes(user) && r.status === 'completed')[answers],
    15_000,
  );
  expect(v.tap.turns.slice(turns).map((t) => t.label)).toContain(`[${user}]`);
  // Most of the answer reaches the listener (the rest may still be in flight).
  await listener.waitForPackets(audibleBefore + Math.floor(answer.audioMs / 40));
  return answer;
}

/** For conditions on the bot's side that raise no emulator event (e.g. its receive counters): polls. */
export async function eventually(done: () => boolean, timeoutMs = 5000): Promise<void> {
  const until = performance.now() + timeoutMs;
  while (!done()) {
    if (performance.now() > until) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
