// Public surface of the conversation room: explicit re-exports only.
export type { PlaybackReport } from './pacer.ts';
export type {
  AudioFrame,
  CastMember,
  FrameSink,
  ModelAudioMeta,
  ModelError,
  ModelPort,
  ModelTranscript,
  OutputFrame,
  RoomEndReason,
  RoomEvents,
  RoomTranscript,
  SilenceFrame,
  TurnLatency,
  UsageDelta,
} from './ports.ts';
export type { OutputFormat } from './reply.ts';
export { Room } from './room.ts';
export {
  DEFAULT_ROOM_TUNING,
  type RoomOptions,
  type RoomState,
  type RoomStatus,
  type RoomTuning,
  type SpeakerFrame,
} from './room-options.ts';
export { FALLBACK_SPEAKER_NAME, normaliseSpeakerName, SpeakerLabels } from './speaker-labels.ts';
