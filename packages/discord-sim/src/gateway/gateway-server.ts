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

/** Counters tests assert on. */
export interface GatewayStats {
  identifies: number;
  resumes: number;
  /** op 4 Voice State Updates sent by the bot (rejoin storms show up here). */
  voiceStateUpdates: number;
  connections: number;
  /** Connections closed with 4008 for sending more than 120 commands in 60 s. */
  rateLimitCloses: number;
}

export interface GatewayServerOptions {
  world: World;
  token: string;
  applicationId: string;
  heartbeatIntervalMs: number;
  /** Called for every op 4 from the bot; returns nothing, dispatches happen through `dispatch`. */
  onVoiceStateUpdate(data: GatewayVoiceStateUpdateData): void;
  /** Something observable changed. */
  onChange(): void;
}

/** The main gateway (v10, JSON, no compression) for one shard. */
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
  private session: Session | undefined;
  private socket: WebSocket | undefined;
  private readonly readyWaiters: (() => void)[] = [];
  private sessionCounter = 0;
  url = '';

  constructor(http: Server, opts: GatewayServerOptions) {
    this.opts = opts;
    this.wss = new WebSocketServer({ server: http, path: '/gateway', perMessageDeflate: false });
    this.wss.on('connection', (ws) => this.onConnection(ws));
  }

  /** The bot's gateway session id (also the voice session id Discord hands out). */
  get sessionId(): string | undefined {
    return this.session?.id;
  }

  /** Resolves once a client has identified or resumed and is receiving dispatches. */
  waitForClient(): Promise<void> {
    if (this.socket && this.session) return Promise.resolve();
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  /** Whether the current session identified with `bit` (false before any Identify). */
  hasIntent(bit: number): boolean {
    return ((this.session?.intents ?? 0) & bit) !== 0;
  }

  /** Sends a dispatch to the bot (buffered for resume while disconnected); dropped without its intent. */
  dispatch<T extends GatewayDispatchPayload['t']>(
    t: T,
    d: Extract<GatewayDispatchPayload, { t: T }>['d'],
  ): void;
  dispatch(t: string, d: unknown): void;
  dispatch(t: string, d: unknown): void {
    const session = this.session;
    if (!session) return;
    const needs = REQUIRED_INTENT[t];
    if (needs !== undefined && (session.intents & needs) === 0) return;
    session.seq++;
    const entry = { s: session.seq, t, d };
    session.log.push(entry);
    if (session.log.length > 1000) session.log.shift();
    this.send({ op: GatewayOpcodes.Dispatch, ...entry });
  }

  /** Fault: drops the bot's connection with `code` (4000 → the client resumes; 1000 → it re-identifies). */
  kill(code = 4000): void {
    const ws = this.socket;
    this.socket = undefined;
    ws?.close(code, 'sim fault');
  }

  close(): Promise<void> {
    for (const c of this.wss.clients) c.terminate();
    return new Promise((resolve) => this.wss.close(() => resolve()));
  }

  private send(payload: unknown): void {
    if (this.socket?.readyState === 1) this.socket.send(JSON.stringify(payload));
  }

  private onConnection(ws: WebSocket): void {
    this.stats.connections++;
    // Discord allows 120 gateway commands per 60 s per connection and disconnects with 4008
    // beyond (https://discord.com/developers/docs/events/gateway#rate-limiting); counted in
    // windows of 60 s from the first command, as clients (@discordjs/ws) pace themselves.
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
      this.onPayload(ws, payload);
      this.opts.onChange();
    });
    ws.on('close', () => {
      if (this.socket === ws) this.socket = undefined;
      this.opts.onChange();
    });
  }

  private onPayload(ws: WebSocket, payload: GatewaySendPayload): void {
    switch (payload.op) {
      case GatewayOpcodes.Heartbeat:
        ws.send(JSON.stringify({ op: GatewayOpcodes.HeartbeatAck, d: null, s: null, t: null }));
        return;
      case GatewayOpcodes.Identify: {
        if (payload.d.token.replace(/^Bot /, '') !== this.opts.token) {
          ws.close(4004, 'Authentication failed.');
          return;
        }
        this.stats.identifies++;
        this.session = {
          id: `gw-session-${++this.sessionCounter}`,
          seq: 0,
          intents: Number(payload.d.intents ?? 0),
          log: [],
        };
        this.attach(ws);
        const { world } = this.opts;
        this.dispatch(GatewayDispatchEvents.Ready, {
          v: 10,
          user: { ...apiUser(world.bot), verified: true, mfa_enabled: false, flags: 0 },
          guilds: [...world.guilds.keys()].map((id) => ({ id, unavailable: true })),
          session_id: this.session.id,
          resume_gateway_url: this.url,
          shard: [0, 1],
          application: { id: this.opts.applicationId, flags: 0 },
        });
        // Without GuildPresences, GUILD_CREATE lists only the bot and the members in voice channels
        // (https://discord.com/developers/docs/events/gateway-events#guild-create).
        const allMembers = this.hasIntent(GatewayIntentBits.GuildPresences);
        for (const g of world.guilds.values())
          this.dispatch(
            GatewayDispatchEvents.GuildCreate,
            guildCreate(g, world.users, { allMembers, botId: world.bot.id }),
          );
        return;
      }
      case GatewayOpcodes.Resume: {
        const session = this.session;
        if (
          !session ||
          payload.d.session_id !== session.id ||
          payload.d.token.replace(/^Bot /, '') !== this.opts.token
        ) {
          ws.send(JSON.stringify({ op: GatewayOpcodes.InvalidSession, d: false, s: null, t: null }));
          return;
        }
        this.stats.resumes++;
        this.attach(ws);
        for (const e of session.log)
          if (e.s > payload.d.seq) this.send({ op: GatewayOpcodes.Dispatch, ...e });
        this.dispatch(GatewayDispatchEvents.Resumed, {});
        return;
      }
      case GatewayOpcodes.VoiceStateUpdate:
        this.stats.voiceStateUpdates++;
        this.opts.onVoiceStateUpdate(payload.d);
        return;
      case GatewayOpcodes.RequestGuildMembers: {
        const guild = this.opts.world.guilds.get(payload.d.guild_id as string);
        if (!guild) return;
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
        this.dispatch(GatewayDispatchEvents.GuildMembersChunk, {
          guild_id: guild.id,
          members,
          chunk_index: 0,
          chunk_count: 1,
          nonce: payload.d.nonce,
        } as never);
        return;
      }
      default:
        return;
    }
  }

  private attach(ws: WebSocket): void {
    if (this.socket && this.socket !== ws) this.socket.terminate();
    this.socket = ws;
    for (const w of this.readyWaiters.splice(0)) w();
  }
}
