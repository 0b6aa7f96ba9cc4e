// Public surface of the conversation room: explicit re-exports only.
export type { AllRoomEvents } from './cast-driver.ts';
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
export { ADDRESSED, AddressBook, type AddressEntry, type AddressHit, MENTIONED } from './scene/addressing.ts';
export { type DirectionReason, SCENE_MODES, type SceneMode } from './scene/director.ts';
export { loadPinyin } from './scene/phonetics.ts';
export { greetingInstruction } from './scene/scene-cards.ts';
export { injectTail } from './scene/scene-memory.ts';
export { SCENE_DEFAULTS } from './scene/scene-settings.ts';
export type {
  DirectedEvent,
  RestoredLine,
  SceneCharacter,
  SceneControl,
  SceneEvents,
  SceneLine,
  SceneMemberStatus,
  SceneOptions,
  ScenePort,
  SceneSessions,
  SceneSettings,
  SessionBudget,
  SessionBudgetEvent,
} from './scene/scene-types.ts';
export { describeSessionBudget, SessionCounter } from './scene/session-budget.ts';
export { FALLBACK_SPEAKER_NAME, normaliseSpeakerName, SpeakerLabels, sameNameKey } from './speaker-labels.ts';
