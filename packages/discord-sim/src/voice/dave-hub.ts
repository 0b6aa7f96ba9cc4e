/**
 * Wires DAVE media sessions (one per voice channel) to their participants: bots over their voice
 * WebSockets, simulated users through {@link SimDaveParticipant}s that exchange the same wire
 * frames. Owns the DAVE fault switches and counters.
 */
import {
  type DaveClientMessage,
  DaveOp,
  type DaveServerMessage,
  decodeClientBinary,
  encodeServerBinary,
  transitionIdOf,
} from '../dave/dave-messages.ts';
import { type DaveEvent, DaveMediaSession } from '../dave/media-session.ts';
import { generateSignatureKeyPair, type SignatureKeyPair } from '../dave/mls-crypto.ts';
import { SimDaveParticipant } from '../users/dave-participant.ts';

/** DAVE counters and records tests assert on. */
export interface DaveStats {
  keyPackages: number;
  rejectedKeyPackages: { userId: string; reason: string }[];
  commits: {
    channelId: string;
    userId: string;
    epoch: bigint;
    transitionId: number;
    added: string[];
    removed: string[];
  }[];
  rejectedCommits: { userId: string; reason: string }[];
  transitions: { channelId: string; transitionId: number; epoch: bigint; timedOut: boolean; atMs: number }[];
  invalidCommitWelcomes: { userId: string; transitionId: number }[];
  soleMemberResets: number;
  withheld: { userId: string; op: number }[];
}

interface LossRule {
  ops: Set<number>;
  userId: string | undefined;
  remaining: number;
}

export interface DaveHubOptions {
  transitionTimeoutMs: number;
  /** Whether simulated users answer proposals with commits. */
  simUsersCommit: boolean;
  /** Simulated (non-bot) users currently in a voice channel. */
  simUsersIn(channelId: string): string[];
  /** A channel's transition was executed (its senders now use the new epoch's keys). */
  onTransitionExecuted?(channelId: string): void;
  onChange(): void;
}

export class DaveHub {
  readonly stats: DaveStats = {
    keyPackages: 0,
    rejectedKeyPackages: [],
    commits: [],
    rejectedCommits: [],
    transitions: [],
    invalidCommitWelcomes: [],
    soleMemberResets: 0,
    withheld: [],
  };
  /** The gateway's signing key; one per sim, as one voice server would hold. */
  readonly externalSender: SignatureKeyPair = generateSignatureKeyPair();
  private readonly opts: DaveHubOptions;
  private readonly sessions = new Map<string, DaveMediaSession>();
  private readonly simUsers = new Map<string, { channelId: string; participant: SimDaveParticipant }>();
  private zeroTransitions = 0;
  private readonly losses: LossRule[] = [];

  constructor(opts: DaveHubOptions) {
    this.opts = opts;
  }

  /** The media session of a channel, once a DAVE client has connected to it. */
  session(channelId: string): DaveMediaSession | undefined {
    return this.sessions.get(channelId);
  }

  /** A simulated user's DAVE client, while it is in a channel with a media session. */
  participant(userId: string): SimDaveParticipant | undefined {
    return this.simUsers.get(userId)?.participant;
  }

  /** A bot finished its handshake with DAVE: it joins the channel's media session. */
  connectBot(channelId: string, userId: string, send: (msg: DaveServerMessage) => void): void {
    const session = this.ensureSession(channelId);
    session.connect({ userId, send });
  }

  disconnectBot(channelId: string, userId: string): void {
    this.sessions.get(channelId)?.disconnect(userId);
  }

  /** A DAVE frame from a bot's WebSocket. */
  fromBot(channelId: string, userId: string, msg: DaveClientMessage): void {
    this.sessions.get(channelId)?.receive(userId, msg);
    this.opts.onChange();
  }

  /** A simulated user entered `channelId`: if the channel has a media session, it joins the group. */
  simJoined(channelId: string, userId: string): void {
    this.simLeft(userId);
    const session = this.sessions.get(channelId);
    if (session) this.attachSimUser(session, userId);
  }

  simLeft(userId: string): void {
    const entry = this.simUsers.get(userId);
    if (!entry) return;
    this.simUsers.delete(userId);
    entry.participant.destroy();
    this.sessions.get(entry.channelId)?.disconnect(userId);
  }

  // --- faults ---

  /** The next `count` commits are announced with transition id 0 (executed at once, no op 22). */
  transitionIdZero(count = Number.POSITIVE_INFINITY): void {
    this.zeroTransitions = count;
  }

  /** Withholds the next `count` messages with opcodes `ops` from `userId` (any participant if omitted). */
  loseMessages(ops: readonly number[], userId: string | undefined, count: number): void {
    this.losses.push({ ops: new Set(ops), userId, remaining: count });
  }

  clearFaults(): void {
    this.zeroTransitions = 0;
    this.losses.length = 0;
    for (const { participant } of this.simUsers.values()) participant.brokenKeys = false;
  }

  close(): void {
    for (const { participant } of this.simUsers.values()) participant.destroy();
    this.simUsers.clear();
  }

  private ensureSession(channelId: string): DaveMediaSession {
    let session = this.sessions.get(channelId);
    if (session) return session;
    session = new DaveMediaSession({
      channelId,
      externalSender: this.externalSender,
      transitionTimeoutMs: this.opts.transitionTimeoutMs,
      timer: (fn, ms) => {
        const t = setTimeout(() => {
          fn();
          this.opts.onChange();
        }, ms);
        return () => clearTimeout(t);
      },
      faults: {
        transitionIdOverride: () => {
          if (this.zeroTransitions <= 0) return undefined;
          this.zeroTransitions--;
          return 0;
        },
        withhold: (userId, op) => {
          const rule = this.losses.find(
            (r) => r.remaining > 0 && r.ops.has(op) && (r.userId === undefined || r.userId === userId),
          );
          if (!rule) return false;
          rule.remaining--;
          return true;
        },
      },
      onEvent: (e) => this.record(channelId, e),
    });
    this.sessions.set(channelId, session);
    for (const userId of this.opts.simUsersIn(channelId)) this.attachSimUser(session, userId);
    return session;
  }

  private attachSimUser(session: DaveMediaSession, userId: string): void {
    let seq = 0;
    const participant: SimDaveParticipant = new SimDaveParticipant({
      userId,
      channelId: session.channelId,
      commits: this.opts.simUsersCommit,
      recognizedUserIds: () => session.participantIds(),
      // Client → gateway one hop later, as over a socket: never re-entrant.
      send: (frame) =>
        queueMicrotask(() => {
          if (!alive()) return;
          const msg = decodeSimFrame(frame);
          if (msg) session.receive(userId, msg);
          this.opts.onChange();
        }),
    });
    const alive = () => this.simUsers.get(userId)?.participant === participant;
    this.simUsers.set(userId, { channelId: session.channelId, participant });
    session.connect({
      userId,
      send: (msg: DaveServerMessage) => {
        seq = (seq + 1) & 0xffff;
        const frame =
          'payload' in msg ? encodeServerBinary(seq, msg.op, msg.payload) : JSON.stringify({ ...msg, seq });
        queueMicrotask(() => {
          if (alive()) participant.receive(frame);
        });
      },
    });
    participant.start();
  }

  private record(channelId: string, e: DaveEvent): void {
    const s = this.stats;
    if (e.type === 'key-package') {
      if (e.accepted) s.keyPackages++;
      else s.rejectedKeyPackages.push({ userId: e.userId, reason: e.reason ?? '' });
    } else if (e.type === 'commit') {
      if (!e.accepted) s.rejectedCommits.push({ userId: e.userId, reason: e.reason ?? '' });
      else
        s.commits.push({
          channelId,
          userId: e.userId,
          epoch: e.epoch ?? 0n,
          transitionId: e.transitionId ?? 0,
          added: e.added ?? [],
          removed: e.removed ?? [],
        });
    } else if (e.type === 'transition-executed') {
      s.transitions.push({ channelId, ...e, atMs: performance.now() });
      this.opts.onTransitionExecuted?.(channelId);
    } else if (e.type === 'invalid-commit-welcome')
      s.invalidCommitWelcomes.push({ userId: e.userId, transitionId: e.transitionId });
    else if (e.type === 'sole-member-reset') s.soleMemberResets++;
    else s.withheld.push({ userId: e.userId, op: e.op });
  }
}

/** Decodes a client frame (JSON op 23/31, or binary op 26/28); undefined for anything else. */
export function decodeSimFrame(frame: string | Uint8Array): DaveClientMessage | undefined {
  if (typeof frame !== 'string') return decodeClientBinary(frame);
  const msg = JSON.parse(frame) as { op?: unknown; d?: unknown };
  const id = transitionIdOf(msg.d);
  if ((msg.op === DaveOp.TransitionReady || msg.op === DaveOp.InvalidCommitWelcome) && id !== undefined)
    return { op: msg.op, d: { transition_id: id } };
  return undefined;
}
