/**
 * A simulated user's DAVE client: a real @snazzah/davey session that joins the channel's MLS group
 * through the same opcodes a Discord client uses (key package, proposals, commit/welcome,
 * transitions), encrypts what the user says and decrypts what the bots send. It reads and writes
 * wire frames, so the gateway treats it exactly like a bot's voice WebSocket.
 */
import Davey, { type DAVESession, type ProposalsResult } from '@snazzah/davey';
import { isSilenceFrame } from '@troupe/opus';
import {
  DaveOp,
  decodeServerBinary,
  encodeClientBinary,
  splitTransitionId,
  transitionIdOf,
} from '../dave/dave-messages.ts';
import { DAVE_PROTOCOL_VERSION } from '../dave/media-session.ts';

/** How a frame from a bot fared at this user's E2EE layer. */
export type E2eeOutcome =
  /** A DAVE protocol frame, decrypted. */
  | { kind: 'decrypted'; opus: Uint8Array }
  /** The Opus silence frame, which DAVE lets through unencrypted. */
  | { kind: 'silence'; opus: Uint8Array }
  /** Not a DAVE frame: sent without end-to-end encryption. */
  | { kind: 'unencrypted'; opus: Uint8Array }
  /** A DAVE frame this user could not decrypt (not in the group yet, or a key it never had). */
  | { kind: 'undecryptable' };

export interface DaveParticipantOptions {
  userId: string;
  channelId: string;
  /** Whether it answers proposals with commits (all members do in DAVE v1; tests may turn it off). */
  commits: boolean;
  /** User ids the gateway announced in the session (op 11), checked against add proposals. */
  recognizedUserIds(): string[];
  /** Sends a client frame: JSON text or `uint8 op, payload` binary. */
  send(frame: string | Uint8Array): void;
}

const MIN_SUPPLEMENTAL = 12; // 8-byte tag + 1-byte nonce + size byte + 2-byte marker

/** The protocol frame check of https://daveprotocol.com/#protocol-frame-check (marker and size). */
export function looksLikeDaveFrame(f: Uint8Array): boolean {
  const n = f.length;
  if (n < MIN_SUPPLEMENTAL + 1 || f[n - 1] !== 0xfa || f[n - 2] !== 0xfa) return false;
  const size = f[n - 3] ?? 0;
  return size >= MIN_SUPPLEMENTAL && size < n;
}

export class SimDaveParticipant {
  readonly userId: string;
  private readonly opts: DaveParticipantOptions;
  private readonly session: DAVESession;
  private destroyed = false;
  /** Corrupts every encrypted frame it sends (the "member with broken keys" fault). */
  brokenKeys = false;
  /** Transition ids executed, in order. */
  readonly executedTransitions: number[] = [];
  lastTransitionId: number | undefined;
  invalidCommitWelcomes = 0;

  constructor(opts: DaveParticipantOptions) {
    this.opts = opts;
    this.userId = opts.userId;
    this.session = new Davey.DAVESession(DAVE_PROTOCOL_VERSION, opts.userId, opts.channelId);
  }

  /** Sends the first key package, as a client does on op 4. */
  start(): void {
    this.sendKeyPackage();
  }

  get ready(): boolean {
    return !this.destroyed && this.session.ready;
  }

  get epoch(): bigint | undefined {
    return this.session.epoch ?? undefined;
  }

  get privacyCode(): string {
    return this.session.voicePrivacyCode;
  }

  /** User ids in this member's view of the group. */
  groupUserIds(): string[] {
    return this.session.getUserIds();
  }

  /** End-to-end encrypts an Opus frame; before the group exists it goes out as passthrough. */
  encrypt(opus: Uint8Array): Uint8Array {
    if (!this.ready || isSilenceFrame(opus)) return opus;
    const sealed = new Uint8Array(this.session.encryptOpus(Buffer.from(opus)));
    if (this.brokenKeys && sealed.length > 0) sealed[0] = (sealed[0] ?? 0) ^ 0xff;
    return sealed;
  }

  /** What this user makes of a frame a bot sent. */
  decrypt(fromUserId: string, frame: Uint8Array): E2eeOutcome {
    if (isSilenceFrame(frame)) return { kind: 'silence', opus: frame };
    if (!looksLikeDaveFrame(frame)) return { kind: 'unencrypted', opus: frame };
    try {
      return {
        kind: 'decrypted',
        opus: new Uint8Array(this.session.decrypt(fromUserId, 0, Buffer.from(frame))),
      };
    } catch {
      return { kind: 'undecryptable' };
    }
  }

  /**
   * Reports its state as invalid and re-joins with a new key package (op 31 then op 26), exactly the
   * recovery path of a client: the gateway removes and re-adds it, so the whole group re-keys.
   */
  rejoinGroup(): void {
    this.invalidate(this.lastTransitionId ?? 0);
  }

  /** A server frame for this user (JSON text or a sequenced binary frame). */
  receive(frame: string | Uint8Array): void {
    if (this.destroyed) return;
    if (typeof frame === 'string') {
      const msg = JSON.parse(frame) as { op: number; d: Record<string, unknown> };
      this.onJson(msg.op, msg.d);
    } else {
      const { op, payload } = decodeServerBinary(frame);
      this.onBinary(op, payload);
    }
  }

  destroy(): void {
    this.destroyed = true;
    try {
      this.session.reset();
    } catch {
      // already reset
    }
  }

  private onJson(op: number, d: Record<string, unknown>): void {
    const id = transitionIdOf(d);
    if (op === DaveOp.PrepareTransition && id !== undefined) {
      if (id === 0) this.executed(0);
      else this.ready23(id);
    } else if (op === DaveOp.ExecuteTransition && id !== undefined) this.executed(id);
    else if (op === DaveOp.PrepareEpoch && d.epoch === 1) {
      this.session.reinit(DAVE_PROTOCOL_VERSION, this.userId, this.opts.channelId);
      this.sendKeyPackage();
    }
  }

  private onBinary(op: number, payload: Uint8Array): void {
    if (op === DaveOp.ExternalSender) {
      try {
        this.session.setExternalSender(Buffer.from(payload));
      } catch {
        // Already in a group: the package is for members still to come.
      }
    } else if (op === DaveOp.Proposals) {
      let result: ProposalsResult;
      try {
        const recognized = this.opts.recognizedUserIds();
        result = this.session.processProposals(payload[0] ?? 0, Buffer.from(payload.subarray(1)), recognized);
      } catch {
        return; // no local group yet, or proposals for someone unexpected: ignored, as clients do
      }
      if (!result.commit || !this.opts.commits) return;
      const body = result.welcome ? Buffer.concat([result.commit, result.welcome]) : result.commit;
      this.opts.send(encodeClientBinary(DaveOp.CommitWelcome, body));
    } else if (op === DaveOp.AnnounceCommitTransition || op === DaveOp.Welcome) {
      const { transitionId, message } = splitTransitionId(payload);
      try {
        if (op === DaveOp.Welcome) this.session.processWelcome(Buffer.from(message));
        else this.session.processCommit(Buffer.from(message));
      } catch {
        this.invalidate(transitionId);
        return;
      }
      if (transitionId === 0) this.executed(0);
      else this.ready23(transitionId);
    }
  }

  private invalidate(transitionId: number): void {
    this.invalidCommitWelcomes++;
    this.opts.send(JSON.stringify({ op: DaveOp.InvalidCommitWelcome, d: { transition_id: transitionId } }));
    this.session.reinit(DAVE_PROTOCOL_VERSION, this.userId, this.opts.channelId);
    this.sendKeyPackage();
  }

  private ready23(transitionId: number): void {
    this.opts.send(JSON.stringify({ op: DaveOp.TransitionReady, d: { transition_id: transitionId } }));
  }

  private executed(transitionId: number): void {
    this.lastTransitionId = transitionId;
    this.executedTransitions.push(transitionId);
  }

  private sendKeyPackage(): void {
    this.opts.send(encodeClientBinary(DaveOp.KeyPackage, this.session.getSerializedKeyPackage()));
  }
}
