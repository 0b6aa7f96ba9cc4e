import type { EncryptionMode } from './crypto/transport-crypto.ts';
import type { GatewayStats } from './gateway/gateway-server.ts';
import type { SimGuildSpec, SimUserSpec } from './model/types.ts';
import type { RateLimitFault } from './rest/rest-server.ts';
import type { DaveFaults } from './sim-dave.ts';
import type { VoiceServerStats } from './voice/voice-session.ts';

/** Options for {@link startDiscordSim}. */
export interface DiscordSimOptions {
  guilds: SimGuildSpec[];
  /** Simulated humans; reference them by username elsewhere. */
  users?: SimUserSpec[] | undefined;
  /** Also the bot's user id. */
  applicationId?: string | undefined;
  botUsername?: string | undefined;
  /** Bot token the client must log in with (random when omitted). */
  token?: string | undefined;
  /** Voice encryption modes offered in op 2 Ready (default: both, AES-GCM first). */
  encryptionModes?: readonly EncryptionMode[] | undefined;
  gatewayHeartbeatMs?: number | undefined;
  voiceHeartbeatMs?: number | undefined;
  /**
   * Whether voice channels are end-to-end encrypted with DAVE (default true, as on Discord since
   * March 2026): the voice gateway negotiates `dave_protocol_version` 1 and closes clients that
   * offer none with 4017. `false` keeps every channel on transport encryption only (the
   * pre-2026 path). Stage channels never use DAVE; a channel's own `dave` overrides this.
   */
  dave?: boolean | undefined;
  /** How long the gateway waits for every op 23 before executing a transition (default 2000 ms). */
  daveTransitionTimeoutMs?: number | undefined;
  /**
   * Whether simulated users answer proposals with commits (default true: all members commit in
   * DAVE v1). `false` leaves committing to the bots, to exercise their commit path.
   */
  daveSimUsersCommit?: boolean | undefined;
  /**
   * The shard count `GET /gateway/bot` recommends (default 1). Sessions may identify with any
   * `[shard_id, num_shards]`; each receives only its guilds, `(guild_id >> 22) % num_shards`.
   */
  shards?: number | undefined;
  /**
   * `session_start_limit.max_concurrency` of `GET /gateway/bot`: how many shards may identify at
   * once (default 1, as for most bots; clients wait 5 s between buckets).
   */
  maxConcurrency?: number | undefined;
  /** Guilds one shard may hold before Identify is refused with 4011 (default 2500, Discord's). */
  guildsPerShard?: number | undefined;
  /** Further bot accounts (their own users and tokens), e.g. an independent second client. */
  bots?: { username: string; id?: string | undefined; token?: string | undefined }[] | undefined;
}

/** Fault injection. */
export interface DiscordSimFaults {
  /**
   * Closes the bot's voice WebSocket with `code` (4006/4014/4015/4017/4022...). With `repeat`,
   * the next `repeat` Identifies are closed with the same code too (a rejoin storm).
   */
  closeVoice(code: number, opts?: { guild?: string | undefined; repeat?: number | undefined }): void;
  /**
   * Sends a raw frame on the bot's voice WebSocket: text as-is (malformed JSON, unknown opcodes),
   * bytes as a binary frame (DAVE opcodes are binary). Returns the sockets it went to.
   */
  voiceFrame(data: string | Uint8Array, opts?: { guild?: string | undefined }): number;
  /**
   * The voice server seals and opens with a key other than the one it gave the bot: every packet
   * fails transport authentication ("unable to authenticate data") until the bot joins afresh.
   * Returns how many sessions it hit.
   */
  staleTransportKey(opts?: { guild?: string | undefined }): number;
  /** Ends a `closeVoice(..., { repeat })` storm: the next Identify is answered normally again. */
  stopVoiceCloses(): void;
  /** Drops UDP datagrams for `durationMs` (default both directions). */
  dropUdp(durationMs: number, direction?: 'both' | 'toBot' | 'fromBot'): void;
  /** Drops the bot's gateway connections, or one shard's (4000 ⇒ resume, 1000 ⇒ fresh identify). */
  killGateway(code?: number, shardId?: number): void;
  /** Answers the next matching REST requests with 429 + retry_after + rate-limit headers. */
  rateLimit(fault: RateLimitFault): void;
  /** A moderator deletes every webhook of a channel (the bot's transcript webhook too); returns how many. */
  deleteWebhooks(channel: string): number;
  /**
   * A moderator drags the bot into another voice channel of its guild. Discord always sends the new
   * voice state; the voice connection then varies: `'state'` (default) keeps the voice socket,
   * `'server'` also hands out a new voice server, `'4014'` closes the voice socket with 4014 first.
   */
  moveBot(channel: string, how?: 'state' | 'server' | '4014'): void;
  /** op 4 Voice State Updates the bot has sent so far. */
  readonly voiceStateUpdates: number;
  /** DAVE faults: lost transition messages, transition id 0, broken member keys, re-keying. */
  readonly dave: DaveFaults;
}

/** Counters from both servers. */
export interface DiscordSimStats {
  gateway: GatewayStats;
  voice: VoiceServerStats;
}
