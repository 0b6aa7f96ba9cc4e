/** The DAVE side of the sim's public API: group snapshots and the DAVE fault switches. */
import { DaveOp } from './dave/dave-messages.ts';
import type { World } from './model/world.ts';
import type { SimDaveParticipant } from './users/dave-participant.ts';
import type { DaveHub } from './voice/dave-hub.ts';

/** The gateway's view of a channel's MLS group. */
export interface DaveGroupSnapshot {
  /** A commit has created the group (epoch ≥ 1). */
  established: boolean;
  epoch: bigint;
  /** User ids by leaf index; undefined marks a blank leaf. */
  leaves: readonly (string | undefined)[];
  /** Connected participants (bots and simulated users), members or pending. */
  participants: string[];
  /** A transition announced and not yet executed. */
  pendingTransition: { id: number; awaiting: string[] } | undefined;
}

/** DAVE fault switches (see issue "DAVE end to end"). */
export interface DaveFaults {
  /** The next `count` commits (default: all, until `clear()`) are announced with transition id 0. */
  transitionIdZero(count?: number): void;
  /**
   * Loses the next `count` (default 1) DAVE messages with opcodes `ops` to `user` (default: the
   * application's bot), e.g. `[22]` for execute-transition or `[29, 30]` for a commit or welcome.
   */
  loseMessages(ops: readonly number[], opts?: { user?: string; count?: number }): void;
  /** A simulated member with broken media keys: every frame it sends fails to decrypt. */
  brokenKeys(user: string, broken?: boolean): void;
  /**
   * Re-keys a channel now: simulated member `via` (default: the first one in the channel) reports
   * its group state invalid and re-joins, so the gateway removes and re-adds it and every member
   * moves to a new epoch (the same flow as a member joining mid-call).
   */
  rekey(channel: string, opts?: { via?: string }): void;
  /** Turns every DAVE fault off. */
  clear(): void;
}

/** DAVE opcodes, for `loseMessages`. */
export const DaveOpcodes = DaveOp;

export class SimDave {
  readonly faults: DaveFaults;
  private readonly hub: DaveHub;
  private readonly world: World;

  constructor(hub: DaveHub, world: World, simUsersIn: (channelId: string) => string[]) {
    this.hub = hub;
    this.world = world;
    this.faults = {
      transitionIdZero: (count) => hub.transitionIdZero(count),
      loseMessages: (ops, opts = {}) =>
        hub.loseMessages(ops, opts.user ? world.user(opts.user).id : world.bot.id, opts.count ?? 1),
      brokenKeys: (user, broken = true) => {
        const p = this.participant(user);
        if (!p) throw new Error(`brokenKeys: ${user} is not in a channel with an E2EE media session`);
        p.brokenKeys = broken;
      },
      rekey: (channel, opts = {}) => {
        const channelId = world.channel(channel).id;
        const via = opts.via ? world.user(opts.via).id : simUsersIn(channelId)[0];
        const p = via ? hub.participant(via) : undefined;
        if (!p) throw new Error(`rekey: no simulated member of ${channel}'s E2EE group to re-join through`);
        p.rejoinGroup();
      },
      clear: () => hub.clearFaults(),
    };
  }

  /** A channel's group as the gateway sees it (undefined until a DAVE client connects there). */
  group(channel: string): DaveGroupSnapshot | undefined {
    const session = this.hub.session(this.world.channel(channel).id);
    if (!session) return undefined;
    return {
      established: session.isEstablished,
      epoch: session.epoch,
      leaves: [...session.leafUserIds],
      participants: session.participantIds(),
      pendingTransition: session.pendingTransition,
    };
  }

  /** A simulated user's DAVE client (its epoch, privacy code, readiness). */
  participant(user: string): SimDaveParticipant | undefined {
    return this.hub.participant(this.world.user(user).id);
  }

  /**
   * True once the channel's group is established, every connected participant is in it, and no
   * transition is pending: everyone can decrypt everyone.
   */
  settled(channel: string): boolean {
    const g = this.group(channel);
    if (!g?.established || g.pendingTransition) return false;
    const members = new Set(g.leaves.filter((x): x is string => x !== undefined));
    return g.participants.every((u) => members.has(u)) && members.size === g.participants.length;
  }
}
