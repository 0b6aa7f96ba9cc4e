import type { Server } from 'node:http';
import {
  GatewayDispatchEvents,
  type GatewayDispatchPayload,
  GatewayIntentBits,
  GatewayOpcodes,
  type GatewaySendPayload,
  type GatewayVoiceStateUpdateData,
} from 'discord-api-types/v10';
import { type WebSocket, WebSocketServer } from 'ws';
import { apiUser, guildCreate } from '../model/serialize.ts';
import type { UserState } from '../model/types.ts';
import type { World } from '../model/world.ts';
import { membersChunk, REQUIRED_INTENT } from './dispatch-rules.ts';
import { GUILDS_PER_SHARD, parseIdentifyShard, type Shard, shardCovers, shardReceives } from './shards.ts';

interface Session {
  id: string;
  seq: number;
  /** Intents the client identified with. */
  intents: number;
  /** The shard it identified for: it receives only that shard's guilds. */
  shard: Shard;
  /** Every dispatch, so a resume can replay what the client missed. */
  log: { s: number; t: string; d: unknown }[];
}

/** One gateway session of a bot account and the socket carrying it (none while disconnected). */
interface Connection {
  client: Client;
  session: Session;
  socket: WebSocket | undefined;
}

/**
 * One bot account (the application's bot, or a further bot account) and its sessions: one per
 * shard it runs, or several on one shard when it identified more than once (Discord allows it).
 */
interface Client {
  user: UserState;
  token: string;
  connections: Connection[];
}

/** A session's shard and whether its socket is open (tests). */
export interface ShardSessionInfo {
  userId: string;
  sessionId: string;
  shard: Shard;
  connected: boolean;
  guilds: number;
}

/** Counters tests assert on. */
export interface GatewayStats {
  identifies: number;
  resumes: number;
  /** op 4 Voice State Updates sent by the application's bot (rejoin storms show up here). */
  voiceStateUpdates: number;
  connections: number;
  /** Connections closed with 4008 for sending more than 120 commands in 60 s. */
  rateLimitCloses: number;
}

export interface GatewayServerOptions {
  world: World;
  token: string;
  applicationId: string;
  /** Further bot accounts by token (their own users, not the application's). */
  otherBots?: ReadonlyMap<string, UserState> | undefined;
  heartbeatIntervalMs: number;
  /**
   * Discord's limit of guilds per shard: an Identify whose shard would hold more is closed with
   * 4011 (default 2500).
   */
  guildsPerShard?: number | undefined;
  /** Called for every op 4 from a bot, with the gateway session it came on (its voice session id). */
  onVoiceStateUpdate(data: GatewayVoiceStateUpdateData, userId: string, sessionId: string): void;
  /** Something observable changed. */
  onChange(): void;
}

/**
 * The main gateway (v10, JSON, no compression), sharded as Discord shards it (see shards.ts).
 * Dispatches go to the application's bot unless addressed to another account; voice states go to
 * every account; each reaches only the sessions whose shard holds its guild.
 */
export class GatewayServer {
  readonly stats: GatewayStats = {
    identifies: 0,
    resumes: 0,
    voiceStateUpdates: 0,
    connections: 0,
    rateLimitCloses: 0,
  };
  private readonly wss: WebSocketServer;
  private readonly opts: GatewayServerOptions;
  private readonly clients = new Map<string, Client>();
  private readonly readyWaiters: (() => void)[] = [];
  private sessionCounter = 0;
  url = '';

  constructor(http: Server, opts: GatewayServerOptions) {
    this.opts = opts;
    this.clients.set(opts.world.bot.id, { user: opts.world.bot, token: opts.token, connections: [] });
    for (const [token, user] of opts.otherBots ?? [])
      this.clients.set(user.id, { user, token, connections: [] });
    this.wss = new WebSocketServer({ server: http, path: '/gateway', perMessageDeflate: false });
    this.wss.on('connection', (ws) => this.onConnection(ws));
  }

  private get main(): Client {
    return this.clients.get(this.opts.world.bot.id) as Client;
  }

  /** The application bot's latest gateway session id. */
  get sessionId(): string | undefined {
    return this.main.connections.at(-1)?.session.id;
  }

  /** A bot account's latest session id; with `guildId`, of a session whose shard holds that guild. */
  sessionIdOf(userId: string, guildId?: string): string | undefined {
    const connections = this.clients.get(userId)?.connections ?? [];
    return connections.findLast((c) => guildId === undefined || shardCovers(c.session.shard, guildId))
      ?.session.id;
  }

  /** Every session of every bot account, with its shard (what a test asserts about sharding). */
  shardSessions(): ShardSessionInfo[] {
    const guildIds = [...this.opts.world.guilds.keys()];
    return [...this.clients.values()].flatMap((client) =>
      client.connections.map((c) => ({
        userId: client.user.id,
        sessionId: c.session.id,
        shard: c.session.shard,
        connected: c.socket?.readyState === 1,
        guilds: guildIds.filter((g) => shardCovers(c.session.shard, g)).length,
      })),
    );
  }

  /** Resolves once the application's bot is connected (identified or resumed) and receiving dispatches. */
  waitForClient(): Promise<void> {
    if (this.main.connections.some((c) => c.socket)) return Promise.resolve();
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  /**
   * Whether a bot account's session identified with `bit` (false before any Identify). Intents
   * belong to each account's own sessions; the default is the application's bot.
   */
  hasIntent(bit: number, userId = this.opts.world.bot.id): boolean {
    return (this.clients.get(userId)?.connections ?? []).some((c) => (c.session.intents & bit) !== 0);
  }

  /**
   * Sends a dispatch to the application's bot (buffered for resume while disconnected); dropped
   * without its intent.
   */
  dispatch<T extends GatewayDispatchPayload['t']>(
    t: T,
    d: Extract<GatewayDispatchPayload, { t: T }>['d'],
  ): void;
  dispatch(t: string, d: unknown): void;
  dispatch(t: string, d: unknown): void {
    this.dispatchTo(this.main, t, d);
  }

  /** Sends a dispatch to one bot account. */
  dispatchToUser(userId: string, t: string, d: unknown): void {
    const client = this.clients.get(userId);
    if (client) this.dispatchTo(client, t, d);
  }

  /** Sends a dispatch to every bot account (voice states: every account sees the guild's). */
  broadcast(t: string, d: unknown): void {
    for (const c of this.clients.values()) this.dispatchTo(c, t, d);
  }

  /** To each session of the account whose shard receives it (its guild's shard; shard 0 otherwise). */
  private dispatchTo(client: Client, t: string, d: unknown): void {
    for (const c of client.connections) if (shardReceives(c.session.shard, t, d)) this.dispatchOn(c, t, d);
  }

  private dispatchOn(connection: Connection, t: string, d: unknown): void {
    const { session } = connection;
    const needs = REQUIRED_INTENT[t];
    if (needs !== undefined && (session.intents & needs) === 0) return;
    session.seq++;
    const entry = { s: session.seq, t, d };
    session.log.push(entry);
    if (session.log.length > 1000) session.log.shift();
    this.send(connection, { op: GatewayOpcodes.Dispatch, ...entry });
  }

  /**
   * Fault: drops the application bot's connections (or only its sessions of shard `shardId`) with
   * `code` (4000 → the client resumes; 1000 → it re-identifies).
   */
  kill(code = 4000, shardId?: number): void {
    for (const c of this.main.connections) {
      if (shardId !== undefined && c.session.shard[0] !== shardId) continue;
      const ws = c.socket;
      c.socket = undefined;
      ws?.close(code, 'sim fault');
    }
  }

  close(): Promise<void> {
    for (const c of this.wss.clients) c.terminate();
    return new Promise((resolve) => this.wss.close(() => resolve()));
  }

  private send(connection: Connection, payload: unknown): void {
    if (connection.socket?.readyState === 1) connection.socket.send(JSON.stringify(payload));
  }

  private onConnection(ws: WebSocket): void {
    this.stats.connections++;
    let connection: Connection | undefined;
    // Discord allows 120 gateway commands per 60 s per connection and disconnects with 4008
    // beyond (https://discord.com/developers/docs/events/gateway#rate-limiting); counted in
    // windows of 60 s from the first command, as clients (@discordjs/ws) pace themselves. The
    // window belongs to the socket, not the account: every bot account has its own budget.
    const window = { start: 0, count: 0 };
    ws.send(
      JSON.stringify({
        op: GatewayOpcodes.Hello,
        d: { heartbeat_interval: this.opts.heartbeatIntervalMs },
        s: null,
        t: null,
      }),
    );
    ws.on('message', (raw) => {
      const now = performance.now();
      if (window.count === 0 || now - window.start >= 60_000) Object.assign(window, { start: now, count: 0 });
      if (++window.count > 120) {
        this.stats.rateLimitCloses++;
        ws.close(4008, 'Rate limited.');
        return;
      }
      let payload: GatewaySendPayload;
      try {
        payload = JSON.parse(String(raw)) as GatewaySendPayload;
      } catch {
        ws.close(4002, 'Error while decoding payload.');
        return;
      }
      connection = this.onPayload(ws, connection, payload);
      this.opts.onChange();
    });
    ws.on('close', () => {
      if (connection?.socket === ws) connection.socket = undefined;
      this.opts.onChange();
    });
  }

  private byToken(token: string): Client | undefined {
    const bare = token.replace(/^Bot /, '');
    return [...this.clients.values()].find((c) => c.token === bare);
  }

  /** Handles one payload; returns the session the socket now carries. */
  private onPayload(
    ws: WebSocket,
    current: Connection | undefined,
    payload: GatewaySendPayload,
  ): Connection | undefined {
    switch (payload.op) {
      case GatewayOpcodes.Heartbeat:
        ws.send(JSON.stringify({ op: GatewayOpcodes.HeartbeatAck, d: null, s: null, t: null }));
        return current;
      case GatewayOpcodes.Identify:
        return this.identify(ws, current, payload.d) ?? current;
      case GatewayOpcodes.Resume: {
        const connection = this.byToken(payload.d.token)?.connections.find(
          (c) => c.session.id === payload.d.session_id,
        );
        if (!connection) {
          ws.send(JSON.stringify({ op: GatewayOpcodes.InvalidSession, d: false, s: null, t: null }));
          return current;
        }
        this.stats.resumes++;
        this.attach(connection, ws);
        for (const e of connection.session.log)
          if (e.s > payload.d.seq) this.send(connection, { op: GatewayOpcodes.Dispatch, ...e });
        this.dispatchOn(connection, GatewayDispatchEvents.Resumed, {});
        return connection;
      }
      case GatewayOpcodes.VoiceStateUpdate:
        if (!current) return current;
        if (current.client === this.main) this.stats.voiceStateUpdates++;
        this.opts.onVoiceStateUpdate(payload.d, current.client.user.id, current.session.id);
        return current;
      case GatewayOpcodes.RequestGuildMembers: {
        const chunk = current && membersChunk(this.opts.world, payload.d.guild_id, payload.d.nonce);
        if (current && chunk) this.dispatchOn(current, GatewayDispatchEvents.GuildMembersChunk, chunk);
        return current;
      }
      default:
        return current;
    }
  }

  /** A new session for the shard the Identify names: READY, then GUILD_CREATE for that shard's guilds. */
  private identify(
    ws: WebSocket,
    current: Connection | undefined,
    d: { token: string; intents?: unknown; shard?: unknown },
  ): Connection | undefined {
    const client = this.byToken(d.token);
    if (!client) {
      ws.close(4004, 'Authentication failed.');
      return current;
    }
    const parsed = parseIdentifyShard(d.shard);
    if (!parsed.ok) {
      ws.close(4010, 'Invalid shard.');
      return current;
    }
    const { shard } = parsed;
    const { world } = this.opts;
    const guilds = [...world.guilds.values()].filter((g) => shardCovers(shard, g.id));
    if (guilds.length > (this.opts.guildsPerShard ?? GUILDS_PER_SHARD)) {
      ws.close(4011, 'Sharding required.');
      return current;
    }
    this.stats.identifies++;
    // A session of this shard whose socket is gone cannot be resumed by a client that identifies
    // afresh: it is dropped. Live sessions of the same shard stay (two processes may run one shard).
    client.connections = client.connections.filter((c) => c.socket || c.session.shard[0] !== shard[0]);
    const connection: Connection = {
      client,
      socket: undefined,
      session: {
        id: `gw-session-${++this.sessionCounter}`,
        seq: 0,
        intents: Number(d.intents ?? 0),
        shard,
        log: [],
      },
    };
    client.connections.push(connection);
    this.attach(connection, ws);
    const isApp = client === this.main;
    this.dispatchOn(connection, GatewayDispatchEvents.Ready, {
      v: 10,
      user: { ...apiUser(client.user), verified: true, mfa_enabled: false, flags: 0 },
      guilds: guilds.map((g) => ({ id: g.id, unavailable: true })),
      session_id: connection.session.id,
      resume_gateway_url: this.url,
      shard: [...shard],
      application: { id: isApp ? this.opts.applicationId : client.user.id, flags: 0 },
    });
    // Without GuildPresences, GUILD_CREATE lists only the bot and the members in voice channels
    // (https://discord.com/developers/docs/events/gateway-events#guild-create).
    const allMembers = (connection.session.intents & GatewayIntentBits.GuildPresences) !== 0;
    for (const g of guilds)
      this.dispatchOn(
        connection,
        GatewayDispatchEvents.GuildCreate,
        guildCreate(g, world.users, { allMembers, botId: client.user.id }),
      );
    return connection;
  }

  /** The socket now carries `connection`; a socket it had before is cut (the session moved). */
  private attach(connection: Connection, ws: WebSocket): void {
    if (connection.socket && connection.socket !== ws) connection.socket.terminate();
    connection.socket = ws;
    if (connection.client === this.main) for (const w of this.readyWaiters.splice(0)) w();
  }
}
