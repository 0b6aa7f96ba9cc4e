export {
  type FixturePauseClip,
  type FixturePhrase,
  fixtureWithPause,
  measurePauses,
  type Pause,
  type SpeechWithPauses,
  trimSilence,
  withPauses,
} from './audio/pauses.ts';
export { createRng } from './audio/rng.ts';
export {
  type AlignedSnr,
  alignedSnr,
  monoToStereo,
  resampleLinear,
  sineTone,
  stereoToMono,
} from './audio/signal.ts';
export { encodeWav, type Pcm16Audio, parseWav, readWav, WavFormatError, writeWav } from './audio/wav.ts';
export { ENCRYPTION_MODES, type EncryptionMode, openRtp, sealRtp } from './crypto/transport-crypto.ts';
export { formDaveGroup } from './dave/form-group.ts';
export { type FixtureName, fixturePath } from './fixtures.ts';
export type { GatewayStats, ShardSessionInfo } from './gateway/gateway-server.ts';
export { type Shard, shardOfGuild } from './gateway/shards.ts';
export type {
  SimAttachment,
  SlashContext,
  SlashInvocation,
  SlashOptionValues,
} from './interactions/build-interaction.ts';
export {
  InteractionHandle,
  type InteractionResponseRecord,
  type MessageView,
} from './interactions/interaction-handle.ts';
export type {
  SimChannelSpec,
  SimGuildSpec,
  SimMemberSpec,
  SimOverwriteSpec,
  SimRoleSpec,
  SimUserSpec,
} from './model/types.ts';
export { DEFAULT_EVERYONE, SimConfigError } from './model/world.ts';
export type { SimMessage, SimWebhook } from './rest/context.ts';
export type { RateLimitFault, RestRecord } from './rest/rest-server.ts';
export { opusFrameMs, opusPacketProblem } from './rtp/opus-packet.ts';
export { buildRtpPacket, parseRtpPacket } from './rtp/rtp.ts';
export { DiscordSim, type SpeakInput } from './sim.ts';
export type { DaveFaults, DaveGroupSnapshot } from './sim-dave.ts';
export type { DiscordSimFaults, DiscordSimOptions, DiscordSimStats } from './sim-types.ts';
export { startDiscordSim } from './start-sim.ts';
export { type E2eeOutcome, looksLikeDaveFrame, SimDaveParticipant } from './users/dave-participant.ts';
export { type E2eeFate, type Heard, type HeardPacket, Listener } from './users/listener.ts';
export { encodeSpeech, type PreEncodedSpeech, type SpeakOptions, type SpeakResult } from './users/speaker.ts';
export { classifyFrames, planTransmission, type SlotKind, type SpeakMode } from './users/transmit-plan.ts';
export type { DaveStats } from './voice/dave-hub.ts';
export { type PreparedVoiceFuzz, summarizeFuzz, type VoiceFuzzReport } from './voice/fuzz-driver.ts';
export {
  FUZZ_FATES,
  FUZZ_KINDS,
  type FuzzDatagram,
  type FuzzFate,
  type FuzzKind,
  type FuzzRound,
  planVoiceFuzz,
  type VoiceFuzzOptions,
} from './voice/voice-fuzz.ts';
export type { VoiceServerStats, VoiceSession } from './voice/voice-session.ts';
