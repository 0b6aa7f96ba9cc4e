/**
 * The voice gateway's half of DAVE for one media session (one voice channel): the MLS external
 * sender and delivery service of https://daveprotocol.com/#group-key-exchange. It turns key
 * packages into signed Add proposals and departures into Remove proposals, lets the first valid
 * commit of an epoch win, relays it (op 29) and the per-member Welcomes (op 30), and runs the
 * transition (op 23 from everyone or a timeout, then op 22).
 *
 * No I/O and no clock: participants are {@link DaveLink}s and the timeout is an injected timer.
 */
import {
  type AcceptedCommit,
  checkCommit,
  checkKeyPackage,
  type GroupState,
  type SenderState,
} from './admission.ts';
import {
  type DaveClientMessage,
  DaveOp,
  type DaveServerMessage,
  proposalsAppend,
  proposalsRevoke,
  withTransitionId,
} from './dave-messages.ts';
import {
  type ExternalProposal,
  encodeExternalSender,
  groupIdForChannel,
  signExternalProposal,
} from './external-sender.ts';
import { type InFlightProposal, placeLeaves } from './group-view.ts';
import type { KeyPackageInfo } from './key-package.ts';
import { toHex } from './mls-crypto.ts';
import {
  DAVE_PROTOCOL_VERSION,
  type DaveEvent,
  type DaveLink,
  type MediaSessionOptions,
} from './session-types.ts';

export { DAVE_PROTOCOL_VERSION, type DaveEvent, type DaveLink, type DaveTimer } from './session-types.ts';

interface Participant extends SenderState {
  link: DaveLink;
  /** The key package to add it with, until a commit consumes it. */
  keyPackage: KeyPackageInfo | undefined;
}

interface PendingTransition {
  id: number;
  epoch: bigint;
  awaiting: Set<string>;
  recipients: Set<string>;
  cancel: () => void;
}

export class DaveMediaSession {
  readonly channelId: string;
  private readonly opts: MediaSessionOptions;
  private readonly groupId: Uint8Array;
  private readonly externalSenderPackage: Uint8Array;
  private readonly participants = new Map<string, Participant>();
  private established = false;
  /** The epoch proposals target: 0 before the group exists, then the group's current epoch. */
  private epochValue = 0n;
  private leaves: (string | undefined)[] = [];
  private proposals: InFlightProposal[] = [];
  private transition: PendingTransition | undefined;
  private transitionCounter = 0;

  constructor(opts: MediaSessionOptions) {
    this.opts = opts;
    this.channelId = opts.channelId;
    this.groupId = groupIdForChannel(opts.channelId);
    this.externalSenderPackage = encodeExternalSender(opts.externalSender.publicKey);
  }

  /** Whether a commit has established the group (epoch ≥ 1). */
  get isEstablished(): boolean {
    return this.established;
  }

  /** The group's epoch (0 before it is established). */
  get epoch(): bigint {
    return this.epochValue;
  }

  /** User ids by leaf index (undefined = blank leaf). */
  get leafUserIds(): readonly (string | undefined)[] {
    return this.leaves;
  }

  /** The transition waiting for op 23s, if any. */
  get pendingTransition(): { id: number; awaiting: string[] } | undefined {
    const t = this.transition;
    return t ? { id: t.id, awaiting: [...t.awaiting] } : undefined;
  }

  participantIds(): string[] {
    return [...this.participants.keys()];
  }

  /** A participant connected with DAVE: it gets the external sender, then any in-flight adds. */
  connect(link: DaveLink): void {
    if (this.participants.has(link.userId)) this.disconnect(link.userId);
    const p = { userId: link.userId, link, leaf: undefined, keyPackage: undefined, reset: false };
    this.participants.set(link.userId, { ...p, signatureKey: undefined });
    this.deliver(link.userId, { op: DaveOp.ExternalSender, payload: this.externalSenderPackage });
    if (!this.established) {
      // "A client that joins when there is not an established group receives any already sent
      // in-flight add proposals for existing pending members." (#initial-group-creation)
      for (const p of this.live())
        if (p.kind === 'add' && p.userId !== link.userId) this.sendTo(p, link.userId);
    }
    this.reconcile();
  }

  /** A participant left the media session (or its connection is gone for good). */
  disconnect(userId: string): void {
    if (!this.participants.delete(userId)) return;
    this.noLongerAwaiting(userId);
    this.reconcile();
  }

  /** A DAVE message from a participant. */
  receive(userId: string, msg: DaveClientMessage): void {
    const p = this.participants.get(userId);
    if (!p) return;
    if ('payload' in msg) {
      if (msg.op === DaveOp.KeyPackage) this.onKeyPackage(p, msg.payload);
      else this.onCommitWelcome(p, msg.payload);
    } else if (msg.op === DaveOp.TransitionReady) {
      if (this.transition?.id === msg.d.transition_id) this.noLongerAwaiting(userId);
    } else this.onInvalidCommitWelcome(p, msg.d.transition_id);
  }

  private onKeyPackage(p: Participant, payload: Uint8Array): void {
    const userId = p.link.userId;
    const verdict = checkKeyPackage(p, payload);
    if (typeof verdict === 'string') {
      this.emit({ type: 'key-package', userId, accepted: false, reason: verdict });
      return;
    }
    p.keyPackage = verdict;
    p.signatureKey = verdict.leaf.signatureKey;
    this.emit({ type: 'key-package', userId, accepted: true });
    this.reconcile();
  }

  private onInvalidCommitWelcome(p: Participant, transitionId: number): void {
    // "The voice gateway broadcasts a proposal to remove the flagging member from the group. The
    // flagging member is returned to the pending member state." (#recovery-from-invalid-commit-or-welcome)
    p.reset = p.leaf !== undefined;
    p.keyPackage = undefined;
    this.emit({ type: 'invalid-commit-welcome', userId: p.link.userId, transitionId });
    this.noLongerAwaiting(p.link.userId);
    this.reconcile();
  }

  private onCommitWelcome(p: Participant, payload: Uint8Array): void {
    const verdict = checkCommit(p, this.groupState(), payload);
    if (typeof verdict === 'string')
      this.emit({ type: 'commit', userId: p.link.userId, accepted: false, reason: verdict });
    else this.accept(p, verdict);
  }

  private groupState(): GroupState {
    return {
      groupId: this.groupId,
      established: this.established,
      epoch: this.epochValue,
      proposals: this.proposals,
    };
  }

  private accept(committer: Participant, commit: AcceptedCommit): void {
    const { adds, removes, welcomes, message } = commit;
    const removedUsers = new Set(removes.map((r) => r.userId));
    const announceTo = this.established
      ? this.activeMembers().filter((u) => !removedUsers.has(u))
      : [committer.link.userId];
    const base = this.established ? this.leaves : [committer.link.userId];
    const placed = placeLeaves(
      base,
      removes.map((r) => r.leaf ?? -1),
      adds.map((a) => a.userId),
    );
    for (const r of removes) {
      const q = this.participants.get(r.userId);
      if (q && q.leaf === r.leaf) {
        q.leaf = undefined;
        q.reset = false;
      }
    }
    if (!this.established) committer.leaf = 0;
    for (const a of adds) {
      const q = this.participants.get(a.userId);
      if (!q) continue;
      q.leaf = placed.addedAt.get(a.userId);
      q.keyPackage = undefined;
      q.reset = false;
    }
    this.leaves = placed.leaves;
    this.established = true;
    this.epochValue = commit.epoch + 1n;
    this.proposals = [];
    if (this.transition) this.execute(false);
    const id = this.opts.faults?.transitionIdOverride?.() ?? this.nextTransitionId();
    for (const u of announceTo)
      this.deliver(u, { op: DaveOp.AnnounceCommitTransition, payload: withTransitionId(id, message) });
    for (const [u, w] of welcomes) this.deliver(u, { op: DaveOp.Welcome, payload: withTransitionId(id, w) });
    this.emit({
      type: 'commit',
      userId: committer.link.userId,
      accepted: true,
      epoch: this.epochValue,
      transitionId: id,
      added: adds.map((a) => a.userId),
      removed: [...removedUsers],
    });
    const recipients = new Set([...announceTo, ...welcomes.keys()]);
    if (id === 0) {
      // Transition 0 executes at once on receipt (#dave_protocol_prepare_transition-21): no op 22.
      this.emit({ type: 'transition-executed', transitionId: 0, epoch: this.epochValue, timedOut: false });
    } else {
      const cancel = this.opts.timer(() => this.execute(true), this.opts.transitionTimeoutMs);
      this.transition = { id, epoch: this.epochValue, awaiting: new Set(recipients), recipients, cancel };
    }
    this.reconcile();
  }

  private nextTransitionId(): number {
    this.transitionCounter = (this.transitionCounter % 0xffff) + 1;
    return this.transitionCounter;
  }

  private noLongerAwaiting(userId: string): void {
    const t = this.transition;
    if (!t?.awaiting.delete(userId)) return;
    if (t.awaiting.size === 0) this.execute(false);
  }

  /** op 22 to everyone the transition concerned who is still here. */
  private execute(timedOut: boolean): void {
    const t = this.transition;
    if (!t) return;
    this.transition = undefined;
    t.cancel();
    for (const u of t.recipients)
      if (this.participants.has(u))
        this.deliver(u, { op: DaveOp.ExecuteTransition, d: { transition_id: t.id } });
    this.emit({ type: 'transition-executed', transitionId: t.id, epoch: t.epoch, timedOut });
  }

  private activeMembers(): string[] {
    return [...this.participants.values()]
      .filter((p) => p.leaf !== undefined && !p.reset)
      .map((p) => p.link.userId);
  }

  private live(): InFlightProposal[] {
    return this.proposals.filter((p) => !p.revoked);
  }

  /**
   * Brings the proposals of this epoch in line with who is connected: Remove for every leaf whose
   * owner left or reset, Add for every pending participant with a key package, revocation of adds
   * nobody needs any more, and the sole-member reset (#sole-member-reset).
   */
  private reconcile(): void {
    const connected = [...this.participants.values()];
    if (connected.length === 0) {
      this.resetGroup();
      return;
    }
    if (this.established && connected.length === 1) {
      this.soleMemberReset(connected[0] as Participant);
      return;
    }
    if (this.established && this.activeMembers().length === 0) this.resetGroup();
    const stale = this.live().filter((x) => {
      if (x.kind !== 'add') return false;
      const q = this.participants.get(x.userId);
      return !q || q.keyPackage?.ref === undefined || toHex(q.keyPackage.ref) !== x.keyPackageRefHex;
    });
    this.revoke(stale);
    if (this.established) {
      this.leaves.forEach((owner, leaf) => {
        if (owner === undefined) return;
        const q = this.participants.get(owner);
        if (q && q.leaf === leaf && !q.reset) return;
        if (!this.live().some((x) => x.kind === 'remove' && x.leaf === leaf))
          this.propose({ type: 'remove', leafIndex: leaf }, owner, undefined, this.activeMembers());
      });
    }
    for (const q of connected) {
      const kp = q.keyPackage;
      if (!kp || (q.leaf !== undefined && !q.reset)) continue;
      const ref = toHex(kp.ref);
      const others = this.established
        ? this.activeMembers()
        : connected.map((c) => c.link.userId).filter((u) => u !== q.link.userId);
      const existing = this.live().find((x) => x.kind === 'add' && x.keyPackageRefHex === ref);
      if (existing) {
        if (!this.established)
          for (const u of others) if (!existing.recipients.has(u)) this.sendTo(existing, u);
      } else this.propose({ type: 'add', keyPackage: kp.bytes }, q.link.userId, ref, others);
    }
  }

  private propose(
    proposal: ExternalProposal,
    userId: string,
    keyPackageRefHex: string | undefined,
    recipients: string[],
  ): void {
    const targets = recipients.filter((u) => u !== userId);
    if (targets.length === 0) return;
    const signed = signExternalProposal(this.opts.externalSender, this.groupId, this.epochValue, proposal);
    const entry: InFlightProposal = {
      refHex: toHex(signed.ref),
      ref: signed.ref,
      message: signed.message,
      kind: proposal.type,
      userId,
      keyPackageRefHex,
      leaf: proposal.type === 'remove' ? proposal.leafIndex : undefined,
      recipients: new Set(),
      revoked: false,
    };
    this.proposals.push(entry);
    for (const u of targets) this.sendTo(entry, u);
  }

  private sendTo(p: InFlightProposal, userId: string): void {
    p.recipients.add(userId);
    this.deliver(userId, { op: DaveOp.Proposals, payload: proposalsAppend([p.message]) });
  }

  private revoke(list: InFlightProposal[]): void {
    for (const p of list) {
      p.revoked = true;
      for (const u of p.recipients)
        if (this.participants.has(u))
          this.deliver(u, { op: DaveOp.Proposals, payload: proposalsRevoke([p.ref]) });
    }
  }

  private soleMemberReset(only: Participant): void {
    const userId = only.link.userId;
    this.resetGroup();
    only.leaf = undefined;
    only.reset = false;
    only.keyPackage = undefined;
    const v = DAVE_PROTOCOL_VERSION;
    this.deliver(userId, { op: DaveOp.PrepareEpoch, d: { epoch: 1, protocol_version: v, transition_id: 0 } });
    this.deliver(userId, { op: DaveOp.PrepareTransition, d: { transition_id: 0, protocol_version: v } });
    this.emit({ type: 'sole-member-reset', userId });
  }

  private resetGroup(): void {
    this.transition?.cancel();
    this.transition = undefined;
    this.established = false;
    this.epochValue = 0n;
    this.leaves = [];
    this.proposals = [];
    for (const p of this.participants.values()) {
      p.leaf = undefined;
      p.reset = false;
    }
  }

  private deliver(userId: string, message: DaveServerMessage): void {
    if (this.opts.faults?.withhold?.(userId, message.op)) {
      this.emit({ type: 'withheld', userId, op: message.op });
      return;
    }
    this.participants.get(userId)?.link.send(message);
  }

  private emit(event: DaveEvent): void {
    this.opts.onEvent?.(event);
  }
}
