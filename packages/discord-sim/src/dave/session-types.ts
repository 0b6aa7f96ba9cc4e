/** The contract between the gateway's DAVE media session and its surroundings (links, timer, faults, events). */
import type { DaveServerMessage } from './dave-messages.ts';
import type { SignatureKeyPair } from './mls-crypto.ts';

export const DAVE_PROTOCOL_VERSION = 1;

/** One connected participant, as the session reaches it. */
export interface DaveLink {
  readonly userId: string;
  send(message: DaveServerMessage): void;
}

/** Returns a function that cancels the timer. */
export type DaveTimer = (fn: () => void, ms: number) => () => void;

/** What happened, for stats and tests. */
export type DaveEvent =
  | { type: 'key-package'; userId: string; accepted: boolean; reason?: string }
  | {
      type: 'commit';
      userId: string;
      accepted: boolean;
      reason?: string;
      epoch?: bigint;
      transitionId?: number;
      added?: string[];
      removed?: string[];
    }
  | { type: 'transition-executed'; transitionId: number; epoch: bigint; timedOut: boolean }
  | { type: 'invalid-commit-welcome'; userId: string; transitionId: number }
  | { type: 'sole-member-reset'; userId: string }
  | { type: 'withheld'; userId: string; op: number };

/** Fault hooks: consulted on every commit and every message. */
export interface DaveFaultHooks {
  /** A transition id to announce the next commit with instead of the counter's (0 = execute at once). */
  transitionIdOverride?(): number | undefined;
  /** True to withhold this message from this participant (a lost message). */
  withhold?(userId: string, op: number): boolean;
}

export interface MediaSessionOptions {
  channelId: string;
  externalSender: SignatureKeyPair;
  timer: DaveTimer;
  /** How long to wait for every op 23 before executing anyway. */
  transitionTimeoutMs: number;
  faults?: DaveFaultHooks | undefined;
  onEvent?: ((event: DaveEvent) => void) | undefined;
}
