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

/**
 * Dispatches a bot receives only with an intent (https://discord.com/developers/docs/events/gateway#list-of-intents);
 * the rest (READY, RESUMED, VOICE_SERVER_UPDATE, INTERACTION_CREATE, ...) need none.
 */
const REQUIRED_INTENT: Record<string, number> = {
  [GatewayDispatchEvents.GuildCreate]: GatewayIntentBits.Guilds,
  [GatewayDispatchEvents.GuildUpdate]: GatewayIntentBits.Guilds,
  [GatewayDispatchEvents.GuildDelete]: GatewayIntentBits.Guilds,
  [GatewayDispatchEvents.ChannelCreate]: GatewayIntentBits.Guilds,
  [GatewayDispatchEvents.ChannelUpdate]: GatewayIntentBits.Guilds,
  [GatewayDispatchEvents.ChannelDelete]: GatewayIntentBits.Guilds,
  [GatewayDispatchEvents.GuildMemberAdd]: GatewayIntentBits.GuildMembers,
  [GatewayDispatchEvents.GuildMemberUpdate]: GatewayIntentBits.GuildMembers,
  [GatewayDispatchEvents.GuildMemberRemove]: GatewayIntentBits.GuildMembers,
  [GatewayDispatchEvents.VoiceStateUpdate]: GatewayIntentBits.GuildVoiceStates,
  [GatewayDispatchEvents.PresenceUpdate]: GatewayIntentBits.GuildPresences,
};

interface Session {
  id: string;
  seq: number;
  /** Intents the client identified with. */
  intents: number;
  /** Every dispatch, so a resume can replay what the client missed. */
  log: { s: number; t: string; d: unknown }[];
}

/** One bot account's gateway connection (the application's bot, or a further bot account). */
interface Client {
  user: UserState;
  token: string;
  session: Session | undefined;
  socket: WebSocket | undefined;
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
  /** Called for every op 4 from a bot; returns nothing, dispatches happen through `dispatch`. */
  onVoiceStateUpdate(data: GatewayVoiceStateUpdateData, userId: string): void;
  /** Something observable changed. */
  onChange(): void;
}

/**
 * The main gateway (v10, JSON, no compression), one shard per bot account. Dispatches go to the
 * application's bot unless addressed to another account; voice states go to every account.
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
    this.clients.set(opts.world.bot.id, {
      user: opts.world.bot,
      token: opts.token,
      session: undefined,
      socket: undefined,
    });
    for (const [token, user] of opts.otherBots ?? [])
      this.clients.set(user.id, { user, token, session: undefined, socket: undefined });
    this.wss = new WebSocketServer({ server: http, path: '/gateway', perMessageDeflate: false });
    this.wss.on('connection', (ws) => this.onConnection(ws));
  }

  private get main(): Client {
    return this.clients.get(this.opts.world.bot.id) as Client;
  }

  /** The application bot's gateway session id (also the voice session id Discord hands out). */
  get sessionId(): string | undefined {
    return this.main.session?.id;
  }

  /** A bot account's gateway session id. */
  sessionIdOf(userId: string): string | undefined {
    return this.clients.get(userId)?.session?.id;
  }

  /** Resolves once the application's bot is connected (identified or resumed) and receiving dispatches. */
  waitForClient(): Promise<void> {
    if (this.main.socket && this.main.session) return Promise.resolve();
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  /**
   * Whether a bot account's current session identified with `bit` (false before any Identify).
   * Intents belong to each account's own session; the default is the application's bot.
   */
  hasIntent(bit: number, userId = this.opts.world.bot.id): boolean {
    return ((this.clients.get(userId)?.session?.intents ?? 0) & bit) !== 0;
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

  private dispatchTo(client: Client, t: string, d: unknown): void {
    const session = client.session;
    if (!session) return;
    const needs = REQUIRED_INTENT[t];
    if (needs !== undefined && (session.intents & needs) === 0) return;
    session.seq++;
    const entry = { s: session.seq, t, d };
    session.log.push(entry);
    if (session.log.length > 1000) session.log.shift();
    this.send(client, { op: GatewayOpcodes.Dispatch, ...entry });
  }

  /** Fault: drops the application bot's connection with `code` (4000 → the client resumes; 1000 → it re-identifies). */
  kill(code = 4000): void {
    const ws = this.main.socket;
    this.main.socket = undefined;
    ws?.close(code, 'sim fault');
  }

  close(): Promise<void> {
    for (const c of this.wss.clients) c.terminate();
    return new Promise((resolve) => this.wss.close(() => resolve()));
  }

  private send(client: Client, payload: unknown): void {
    if (client.socket?.readyState === 1) client.socket.send(JSON.stringify(payload));
  }

  private onConnection(ws: WebSocket): void {
    this.stats.connections++;
    let client: Client | undefined;
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
      client = this.onPayload(ws, client, payload);
      this.opts.onChange();
    });
    ws.on('close', () => {
      if (client?.socket === ws) client.socket = undefined;
      this.opts.onChange();
    });
  }

  private byToken(token: string): Client | undefined {
    const bare = token.replace(/^Bot /, '');
    return [...this.clients.values()].find((c) => c.token === bare);
  }

  /** Handles one payload; returns the client the socket now belongs to. */
  private onPayload(
    ws: WebSocket,
    current: Client | undefined,
    payload: GatewaySendPayload,
  ): Client | undefined {
    switch (payload.op) {
      case GatewayOpcodes.Heartbeat:
        ws.send(JSON.stringify({ op: GatewayOpcodes.HeartbeatAck, d: null, s: null, t: null }));
        return current;
      case GatewayOpcodes.Identify: {
        const client = this.byToken(payload.d.token);
        if (!client) {
          ws.close(4004, 'Authentication failed.');
          return current;
        }
        this.stats.identifies++;
        client.session = {
          id: `gw-session-${++this.sessionCounter}`,
          seq: 0,
          intents: Number(payload.d.intents ?? 0),
          log: [],
        };
        this.attach(client, ws);
        const { world } = this.opts;
        const isApp = client === this.main;
        this.dispatchTo(client, GatewayDispatchEvents.Ready, {
          v: 10,
          user: { ...apiUser(client.user), verified: true, mfa_enabled: false, flags: 0 },
          guilds: [...world.guilds.keys()].map((id) => ({ id, unavailable: true })),
          session_id: client.session.id,
          resume_gateway_url: this.url,
          shard: [0, 1],
          application: { id: isApp ? this.opts.applicationId : client.user.id, flags: 0 },
        });
        // Without GuildPresences, GUILD_CREATE lists only the bot and the members in voice channels
        // (https://discord.com/developers/docs/events/gateway-events#guild-create).
        const allMembers = this.hasIntent(GatewayIntentBits.GuildPresences, client.user.id);
        for (const g of world.guilds.values())
          this.dispatchTo(
            client,
            GatewayDispatchEvents.GuildCreate,
            guildCreate(g, world.users, { allMembers, botId: client.user.id }),
          );
        return client;
      }
      case GatewayOpcodes.Resume: {
        const client = this.byToken(payload.d.token);
        const session = client?.session;
        if (!client || !session || payload.d.session_id !== session.id) {
          ws.send(JSON.stringify({ op: GatewayOpcodes.InvalidSession, d: false, s: null, t: null }));
          return current;
        }
        this.stats.resumes++;
        this.attach(client, ws);
        for (const e of session.log)
          if (e.s > payload.d.seq) this.send(client, { op: GatewayOpcodes.Dispatch, ...e });
        this.dispatchTo(client, GatewayDispatchEvents.Resumed, {});
        return client;
      }
      case GatewayOpcodes.VoiceStateUpdate:
        if (!current) return current;
        if (current === this.main) this.stats.voiceStateUpdates++;
        this.opts.onVoiceStateUpdate(payload.d, current.user.id);
        return current;
      case GatewayOpcodes.RequestGuildMembers: {
        const guild = this.opts.world.guilds.get(payload.d.guild_id as string);
        if (!guild || !current) return current;
        const members = [...guild.members.values()].map((m) => {
          const user = this.opts.world.users.get(m.userId);
          return {
            user: user ? apiUser(user) : undefined,
            roles: m.roles,
            nick: m.nick,
            joined_at: m.joinedAt,
            deaf: false,
            mute: false,
            flags: 0,
          };
        });
        this.dispatchTo(current, GatewayDispatchEvents.GuildMembersChunk, {
          guild_id: guild.id,
          members,
          chunk_index: 0,
          chunk_count: 1,
          nonce: payload.d.nonce,
        });
        return current;
      }
      default:
        return current;
    }
  }

  private attach(client: Client, ws: WebSocket): void {
    if (client.socket && client.socket !== ws) client.socket.terminate();
    client.socket = ws;
    if (client === this.main) for (const w of this.readyWaiters.splice(0)) w();
  }
}
