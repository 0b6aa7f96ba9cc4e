// The rooms' and the model sessions' events, told to the rest of the bot as VoiceEvents of one
// guild. A channel may play in several rooms over a session (one character becoming a scene), so
// each room's forwarding can be undone; a model session's is for its whole life.
import type { Persona, RealtimeSession, Room, RoomTranscript } from '@troupe/realtime-core';
import type { Logger } from 'pino';
import type { VoiceEvents } from '../voice-port.ts';

export type Emit = <K extends keyof VoiceEvents>(event: K, ...args: VoiceEvents[K]) => void;

export interface ForwardDeps {
  guildId: string;
  emit: Emit;
  logger: Logger;
}

export interface RoomForwardDeps extends ForwardDeps {
  /** The bot's channel now (a moderator may move it mid-session). */
  channelId(): string;
  /** The character a line is by (its name and avatar post it), else the lead. */
  persona(characterId: string | undefined): Persona;
}

/** Forwards `room`'s events; returns what stops it. */
export function forwardRoomEvents(room: Room, d: RoomForwardDeps): () => void {
  const { guildId, emit } = d;
  const handlers = {
    transcript: (t: RoomTranscript) =>
      emit('transcript', {
        guildId,
        channelId: d.channelId(),
        role: t.role,
        speaker: t.speaker,
        ...(t.speakerId !== undefined ? { speakerId: t.speakerId } : {}),
        text: t.text,
        persona: d.persona(t.role === 'assistant' ? t.characterId : undefined),
      }),
    usage: (u: { inputAudioMs: number; outputAudioMs: number }) => emit('usage', { guildId, ...u }),
    turn: (latency: VoiceEvents['turn'][0]['latency']) => emit('turn', { guildId, latency }),
    inbound: (e: { ms: number }) => emit('inboundLatency', { guildId, ms: e.ms }),
    replyStarted: (e: { ms: number }) => emit('playbackStart', { guildId, ms: e.ms }),
    bargeIn: (e: { framesAfterDecision: number }) =>
      emit('bargeIn', { guildId, framesAfterDecision: e.framesAfterDecision }),
    directed: (e: { cause: string; speakers: string[]; reason: string }) =>
      d.logger.debug({ cause: e.cause, speakers: e.speakers, reason: e.reason }, 'scene: who answers'),
    sessionBudget: (e: { type: string; message: string; characterId: string }) =>
      d.logger[e.type === 'denied' || e.type === 'failed' ? 'warn' : 'info'](
        { character: e.characterId, budget: e.type },
        e.message,
      ),
  };
  room.on('transcript', handlers.transcript);
  room.on('usage', handlers.usage);
  room.on('turn', handlers.turn);
  room.on('inbound', handlers.inbound);
  room.on('replyStarted', handlers.replyStarted);
  room.on('bargeIn', handlers.bargeIn);
  room.on('sessionBudget', handlers.sessionBudget);
  room.on('directed', handlers.directed);
  return () => {
    room.off('directed', handlers.directed);
    room.off('transcript', handlers.transcript);
    room.off('usage', handlers.usage);
    room.off('turn', handlers.turn);
    room.off('inbound', handlers.inbound);
    room.off('replyStarted', handlers.replyStarted);
    room.off('bargeIn', handlers.bargeIn);
    room.off('sessionBudget', handlers.sessionBudget);
  };
}

/** Forwards a model session's reconnects and errors (metrics, logs) for as long as it lives. */
export function forwardSessionEvents(model: RealtimeSession, d: ForwardDeps): void {
  const { guildId, emit } = d;
  model.on('reconnected', (e) => emit('reconnected', { guildId, reason: e.reason }));
  model.on('error', (e) => {
    emit('modelError', { guildId, code: e.code });
    d.logger.warn({ code: e.code, recoverable: e.recoverable }, e.message);
  });
}
