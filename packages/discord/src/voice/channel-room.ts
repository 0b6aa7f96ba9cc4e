// What a one-character channel is built from: the persona's model session (instructions, voice,
// the server's turn detection at the channel's tuning, transcription of what it hears) and the
// realtime-core room that runs the conversation, speaking through an Opus sink. A scene is built
// in scene-room.ts.
import {
  type Clock,
  type Persona,
  personaToSessionConfig,
  RealtimeSession,
  Room,
} from '@troupe/realtime-core';
import type { Logger } from 'pino';
import { createOpusFrameSink, type OpusPacketTarget, playbackOutput } from './opus-frame-sink.ts';
import { type ChannelManagerOptions, roomTuning, type VoiceTuning } from './types.ts';

export function createModelSession(
  persona: Persona,
  options: ChannelManagerOptions,
  tuning: VoiceTuning,
  logger: Logger,
): RealtimeSession {
  return new RealtimeSession({
    url: options.realtime.url,
    model: options.realtime.model,
    apiKey: options.realtime.apiKey,
    config: {
      ...personaToSessionConfig(persona),
      inputTranscription: true,
      turnDetection: { type: 'server_vad', silenceDurationMs: tuning.vadSilenceMs },
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
    tuning: roomTuning(d.tuning),
  });
}
