// DAVE (Discord's end-to-end encryption, https://daveprotocol.com) as the bot sees its own voice
// connection. @discordjs/voice 0.19.2 (pinned) does the MLS and frame crypto through davey, but it
// reports Ready before the MLS group exists: until then it sends frames in the clear, which
// members reject or, worse, hear unencrypted, and it hands still-encrypted frames to the Opus
// decoder. This module reads the connection's DAVE state and gates both directions on it.

import type { VoiceConnection } from '@discordjs/voice';
import { isSilenceFrame } from '@troupe/opus';
import type { OpusPacketTarget } from './opus-frame-sink.ts';

/** What /voice status and the gates need to know about a call's end-to-end encryption. */
export interface E2eeStatus {
  /** The voice server negotiated DAVE (protocol version ≥ 1). */
  negotiated: boolean;
  /** The bot is in the call's MLS group: what it sends and receives is end-to-end encrypted. */
  ready: boolean;
  protocolVersion: number;
  /** 30-digit voice privacy code Discord clients show for the current epoch, once ready. */
  privacyCode: string | undefined;
  epoch: bigint | undefined;
}

/** The part of the library's DAVESession wrapper read here (a pinned version's internals). */
export interface DaveSessionLike {
  protocolVersion: number;
  session?: { ready: boolean; epoch: bigint | null; voicePrivacyCode: string } | undefined;
  decrypt(packet: Buffer, userId: string): Buffer | null;
}

/** The connection's DAVE session wrapper, if its networking has one. */
export function daveOf(connection: VoiceConnection): DaveSessionLike | undefined {
  const state = connection.state as { networking?: { state?: { dave?: DaveSessionLike } } };
  return state.networking?.state?.dave;
}

/** The channel the connection's current voice transport (its networking) was made for. */
export function transportChannelId(connection: VoiceConnection): string | undefined {
  const state = connection.state as {
    networking?: { state?: { connectionOptions?: { channelId?: string } } };
  };
  return state.networking?.state?.connectionOptions?.channelId;
}

export function e2eeStatus(connection: VoiceConnection): E2eeStatus {
  const dave = daveOf(connection);
  const protocolVersion = dave?.protocolVersion ?? 0;
  const ready = protocolVersion > 0 && dave?.session?.ready === true;
  return {
    negotiated: protocolVersion > 0,
    ready,
    protocolVersion,
    privacyCode: ready ? dave?.session?.voicePrivacyCode || undefined : undefined,
    epoch: ready ? (dave?.session?.epoch ?? undefined) : undefined,
  };
}

/**
 * True when what the bot sends now would be end-to-end encrypted, or the call is not E2EE. Runs
 * per packet: one property read into davey, none of e2eeStatus's strings.
 */
export function e2eeSafe(connection: VoiceConnection): boolean {
  const dave = daveOf(connection);
  return !dave || dave.protocolVersion === 0 || dave.session?.ready === true;
}

/**
 * Resolves true once sending is safe (the group exists, or the call is not E2EE), false after
 * `timeoutMs`. The connection emits `transitioned` when a DAVE transition executes.
 */
export function waitForE2ee(connection: VoiceConnection, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      cancel();
      resolve(false);
    }, timeoutMs);
    const cancel = onceE2eeSafe(connection, () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/**
 * Runs `fn` once sending is safe (now, if it already is), however long that takes: a bot alone in
 * a channel has no group until someone joins. Returns a canceller.
 */
export function onceE2eeSafe(connection: VoiceConnection, fn: () => void): () => void {
  if (e2eeSafe(connection)) {
    fn();
    return () => {};
  }
  const check = () => {
    if (!e2eeSafe(connection)) return;
    cancel();
    fn();
  };
  const cancel = () => {
    connection.off('transitioned', check);
    connection.off('stateChange', check);
  };
  connection.on('transitioned', check);
  connection.on('stateChange', check);
  return cancel;
}

export { isSilenceFrame };

/**
 * The protocol frame check of https://daveprotocol.com/#protocol-frame-check: a 0xFAFA marker at
 * the end, after a supplemental-data size byte that fits the frame (tag 8, nonce ≥ 1, size 1,
 * marker 2: at least 12 bytes).
 */
export function looksLikeDaveFrame(frame: Uint8Array): boolean {
  const n = frame.length;
  if (n < 13 || frame[n - 1] !== 0xfa || frame[n - 2] !== 0xfa) return false;
  const size = frame[n - 3] ?? 0;
  return size >= 12 && size < n;
}

/**
 * The Opus frame sink's way out: audio frames go out only while they would be end-to-end encrypted (the
 * silence frame always may). A frame the library would send in the clear, because the bot's own
 * group is being (re)built, is withheld and counted instead.
 */
export function e2eeSink(connection: VoiceConnection): OpusPacketTarget & { readonly withheld: number } {
  let withheld = 0;
  return {
    playOpusPacket(packet: Buffer) {
      if (isSilenceFrame(packet) || e2eeSafe(connection)) return connection.playOpusPacket(packet);
      withheld++;
      return undefined;
    },
    setSpeaking: (speaking: boolean) => connection.setSpeaking(speaking),
    get withheld() {
      return withheld;
    },
  };
}

/**
 * Whether a received frame may go to the Opus decoder: not while the bot has no group yet and
 * the frame is still DAVE-encrypted (the library hands such frames over unchanged).
 */
export function admitReceivedFrame(connection: VoiceConnection, frame: Uint8Array): boolean {
  return !looksLikeDaveFrame(frame) || e2eeSafe(connection);
}
