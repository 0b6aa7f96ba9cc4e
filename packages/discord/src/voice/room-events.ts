// The room's and the model session's events, told to the rest of the bot as VoiceEvents of one guild.
import type { Persona, RealtimeSession, Room } from '@troupe/realtime-core';
import type { Logger } from 'pino';
import type { VoiceEvents } from '../voice-port.ts';

export type Emit = <K extends keyof VoiceEvents>(event: K, ...args: VoiceEvents[K]) => void;

export interface ForwardDeps {
  room: Room;
  model: RealtimeSession;
  guildId: string;
  /** The bot's channel now (a moderator may move it mid-session). */
  channelId(): string;
  persona(): Persona;
  emit: Emit;
  logger: Logger;
}

export function forwardVoiceEvents(d: ForwardDeps): void {
  const { room, model, guildId, emit } = d;
  room.on('transcript', (t) =>
    emit('transcript', {
      guildId,
      channelId: d.channelId(),
      role: t.role,
      speaker: t.speaker,
      text: t.text,
      persona: d.persona(),
    }),
  );
  room.on('usage', (u) => emit('usage', { guildId, ...u }));
  room.on('turn', (latency) => emit('turn', { guildId, latency }));
  room.on('inbound', (e) => emit('inboundLatency', { guildId, ms: e.ms }));
  room.on('replyStarted', (e) => emit('playbackStart', { guildId, ms: e.ms }));
  room.on('bargeIn', (e) => emit('bargeIn', { guildId, framesAfterDecision: e.framesAfterDecision }));
  model.on('reconnected', (e) => emit('reconnected', { guildId, reason: e.reason }));
  model.on('error', (e) => {
    emit('modelError', { guildId, code: e.code });
    d.logger.warn({ code: e.code, recoverable: e.recoverable }, e.message);
  });
}
