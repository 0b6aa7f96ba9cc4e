// What a one-character channel is built from: the persona's model session (instructions, voice,
// the server's turn detection — the guild's VAD settings, else the channel's tuning —
// transcription of what it hears) and the realtime-core room that runs the conversation, speaking
// through an Opus sink. A scene is built in scene-room.ts.
import {
  type Clock,
  type Persona,
  personaToSessionConfig,
  profileForModel,
  RealtimeSession,
  Room,
} from '@troupe/realtime-core';
import type { Logger } from 'pino';
import type { GuildVad } from '../voice-port.ts';
import { createOpusFrameSink, type OpusPacketTarget, playbackOutput } from './opus-frame-sink.ts';
import { guildTurnDetection } from './turn-detection.ts';
import { type ChannelManagerOptions, roomTuning, type VoiceTuning } from './types.ts';

export function createModelSession(
  persona: Persona,
  options: ChannelManagerOptions,
  tuning: VoiceTuning,
  logger: Logger,
  vad?: GuildVad,
): RealtimeSession {
  return new RealtimeSession({
    url: options.realtime.url,
    model: options.realtime.model,
    apiKey: options.realtime.apiKey,
    config: {
      ...personaToSessionConfig(persona),
      inputTranscription: true,
      // The guild's own VAD (`/settings vad`) where set, in the provider's terms.
      turnDetection: guildTurnDetection(
        vad,
        { silenceMs: tuning.vadSilenceMs },
        profileForModel(options.realtime.model).vad,
      ),
    },
    logger,
    ...(options.transportFactory ? { transportFactory: options.transportFactory } : {}),
  });
}

export interface ChannelRoomDeps {
  /** Read on every use: transcripts, labels and the card follow a persona switch. */
  persona(): Persona;
  model: RealtimeSession;
  /** Where the Opus packets go (the connection, behind the E2EE gate). */
  target: OpusPacketTarget;
  tuning: VoiceTuning;
  clock: Clock;
  logger: Logger;
  isOptedOut(userId: string): boolean;
  /** The guild's VAD (its silence is the turn-end silence of the room too). */
  vad?: GuildVad | undefined;
}

export function createChannelRoom(d: ChannelRoomDeps): Room {
  return new Room({
    cast: [
      {
        get name() {
          return d.persona().name;
        },
        get persona() {
          return d.persona();
        },
        model: d.model,
      },
    ],
    sink: createOpusFrameSink(d.target, d.tuning.playbackFormat, d.tuning.opusComplexity),
    output: playbackOutput(d.tuning.playbackFormat),
    clock: d.clock,
    logger: d.logger,
    isOptedOut: (userId) => d.isOptedOut(userId),
    tuning: roomTuning(d.tuning, d.vad),
  });
}
