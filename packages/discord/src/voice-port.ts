// The slice of the bot-voice helper's ChannelManager (voice/channel-manager.ts) that the app layer
// consumes. Declared structurally so commands and usage logic can be unit-tested with a fake.
import type { Persona, RoomEndReason, SceneMode, TurnLatency } from '@troupe/realtime-core';
import type { VoiceBasedChannel } from 'discord.js';

/** Per-turn latency breakdown, measured by the room. */
export type { TurnLatency } from '@troupe/realtime-core';

/** Snapshot of one voice channel session for `/voice status`. */
export interface VoiceStatus {
  persona: { id: string; name: string };
  channelId: string;
  sessionAgeMs: number;
  realtimeState: string;
  heard: {
    userId: string;
    displayName: string;
    speaking: boolean;
    optedOut: boolean;
    packets: number;
    corruptPackets: number;
  }[];
  usage: { inputAudioMs: number; outputAudioMs: number };
  turns: TurnLatency[];
  /** End-to-end encryption (DAVE) of the call, when the voice layer knows it. */
  e2ee?: {
    /** DAVE was negotiated for the call. */
    negotiated: boolean;
    /** The bot is in the call's MLS group: its audio both ways is end-to-end encrypted. */
    ready: boolean;
    protocolVersion: number;
    /** The voice privacy code Discord clients show for the current epoch. */
    privacyCode: string | undefined;
    epoch: bigint | undefined;
    /** Audio frames not sent because they would have gone out unencrypted. */
    withheldFrames: number;
  };
}

/** A character of a channel's scene, as `/scene list` shows it. */
export interface SceneMemberView {
  id: string;
  name: string;
  lead: boolean;
  /** Its model session is connected (a scene connects characters when first needed). */
  live: boolean;
}

/** Who plays in a channel and how turns are given out. */
export interface SceneView {
  /** `solo`: one character answering by itself (server VAD); `scene`: a director picks who answers. */
  kind: 'solo' | 'scene';
  /** In cast order; the lead is marked. */
  characters: SceneMemberView[];
  mode: SceneMode;
  addressedOnly: boolean;
  maxCast: number;
  /** Connected sessions of this channel, the scene's limit, and the process's when it has one. */
  sessions: { live: number; sceneLimit: number; processInUse?: number; processLimit?: number };
}

/** A character added to a scene: talking (connected), waiting for a free model session, or failed to connect. */
export type AddOutcome = 'connected' | 'waiting' | 'failed';

/** A channel's scene settings (kept while the process runs). */
export interface ChannelScene {
  mode: SceneMode;
  addressedOnly: boolean;
}

/** One or more characters bound to one voice channel. */
export interface VoiceSessionPort {
  readonly guildId: string;
  readonly channelId: string;
  /** The lead character (the only one outside a scene). */
  readonly persona: Persona;
  /** Every character in the channel, lead first. */
  readonly characters: readonly Persona[];
  setPersona(persona: Persona): Promise<{ newConnection: boolean }>;
  reset(): Promise<void>;
  announce(instruction: string): void;
  status(): VoiceStatus;
  scene(): SceneView;
  /** Adds a character; throws SceneChangeError (full, already there, name taken) or VoiceBudgetError. */
  addCharacter(persona: Persona): Promise<AddOutcome>;
  /** Removes a character; throws SceneChangeError (absent, or the last one: use /leave). */
  removeCharacter(id: string): Promise<void>;
  /** `/scene next`: the named character (or the next in turn) speaks now; false when it cannot. */
  nextSpeaker(id?: string): boolean;
  /** A member opted out: nothing more of theirs is heard, and this session forgets their lines. */
  optOut(userId: string): void;
}

export type SessionEndReason = RoomEndReason;

/** Events the voice layer emits (tuple style). */
export interface VoiceEvents {
  transcript: [
    {
      guildId: string;
      channelId: string;
      role: 'user' | 'assistant';
      speaker: string;
      /** For user lines: the member's user id, when known. */
      speakerId?: string;
      text: string;
      /** The character who said it (assistant lines) or the channel's lead (user lines). */
      persona: Persona;
    },
  ];
  usage: [{ guildId: string; inputAudioMs: number; outputAudioMs: number }];
  turn: [{ guildId: string; latency: TurnLatency }];
  /**
   * `message` is for the channel (never operator advice); `detail` is the model's own error text,
   * for the log only.
   */
  sessionEnded: [
    {
      guildId: string;
      channelId: string;
      reason: SessionEndReason;
      /** For the channel: plain words, no operator advice. */
      message?: string;
      /** For the log: the operator detail of a model failure. */
      detail?: string;
      /** The model error code, when a model failure ended the session. */
      modelError?: string;
    },
  ];
  /** A moderator moved the bot: the session carries on in `channelId`. */
  sessionMoved: [{ guildId: string; fromChannelId: string; channelId: string }];
  // Observability (Prometheus, /voice status); nothing in the app's logic depends on these.
  sessionStarted: [{ guildId: string; channelId: string }];
  /** The model connection was re-established (dropped socket, rollover, voice switch, reset). */
  reconnected: [{ guildId: string; reason: string }];
  modelError: [{ guildId: string; code: string }];
  /** A speaker's last packet of an utterance: received → its audio handed to the model socket. */
  inboundLatency: [{ guildId: string; ms: number }];
  /** A reply's first model audio received → its first Opus packet sent to Discord. */
  playbackStart: [{ guildId: string; ms: number }];
  /** Audio packets of an interrupted reply sent after the barge-in decision (goal: 0). */
  bargeIn: [{ guildId: string; framesAfterDecision: number }];
}

/** Options of {@link VoiceManagerPort.join}. */
export interface JoinOptions {
  /**
   * Refuse (VoiceBusyError) when the guild already has a session, including one a concurrent join
   * is starting right now (it is waited for first). Without it, a session elsewhere is replaced.
   */
  exclusive?: boolean;
  /** Called once if Discord has not answered after a few seconds (the bot's joins are being paced). */
  onQueued?: () => void;
  /** The guild's own server-VAD settings for a new session (unset fields: the bot's defaults). */
  vad?: GuildVad;
}

/** A guild's voice-activity-detection settings (see voice/turn-detection.ts). */
export interface GuildVad {
  /** Silence that ends a member's turn (ms). */
  silenceMs?: number | null;
  /** Audio kept from before speech was detected (ms). */
  prefixPaddingMs?: number | null;
  /** Energy above which a frame counts as speech, 0..1 of full scale. */
  energyThreshold?: number | null;
}

/**
 * Why the app ends a session: `/leave`, the daily cap, or the database says another host owns the
 * guild's voice session now (or the lease could not be renewed in time), so this host must stop.
 */
export type LeaveReason = 'left' | 'cap' | 'lease-lost';

/** What the app needs from the ChannelManager. */
export interface VoiceManagerPort {
  /** One join at a time per guild: a second join waits for the one in flight. */
  join(channel: VoiceBasedChannel, persona: Persona, options?: JoinOptions): Promise<VoiceSessionPort>;
  leave(guildId: string, reason?: LeaveReason): Promise<boolean>;
  get(guildId: string): VoiceSessionPort | undefined;
  /** A channel's scene settings (defaults until changed). */
  channelScene(guildId: string, channelId: string): ChannelScene;
  /** Changes a channel's scene settings; a session in that channel follows at once. */
  setChannelScene(guildId: string, channelId: string, change: Partial<ChannelScene>): Promise<ChannelScene>;
  destroyAll(): Promise<void>;
  on<K extends keyof VoiceEvents>(event: K, listener: (...args: VoiceEvents[K]) => void): unknown;
  off<K extends keyof VoiceEvents>(event: K, listener: (...args: VoiceEvents[K]) => void): unknown;
}
