// The gateway's DAVE state machine with real DAVE clients (@snazzah/davey, through the sim's
// participant) over an in-memory, in-order network that the test pumps: no sockets, no clock.
import { describe, expect, it } from 'vitest';
import { SimDaveParticipant } from '../users/dave-participant.ts';
import { decodeSimFrame } from '../voice/dave-hub.ts';
import { type DaveServerMessage, decodeServerBinary, encodeServerBinary } from './dave-messages.ts';
import { type DaveEvent, DaveMediaSession } from './media-session.ts';
import { generateSignatureKeyPair } from './mls-crypto.ts';

const CHANNEL = '900000000000000001';
const ids = {
  a: '100000000000000001',
  b: '100000000000000002',
  c: '100000000000000003',
  d: '100000000000000004',
};
type Name = keyof typeof ids;

class World {
  readonly queue: (() => void)[] = [];
  readonly events: DaveEvent[] = [];
  readonly timers: { fn: () => void; ms: number; cancelled: boolean }[] = [];
  readonly members = new Map<Name, SimDaveParticipant>();
  readonly received = new Map<Name, DaveServerMessage[]>();
  /** Rewrites (or drops, with undefined) what the gateway sends a member. */
  tamper: ((who: Name, msg: DaveServerMessage) => DaveServerMessage | undefined) | undefined;
  readonly session: DaveMediaSession;

  constructor(opts: { zeroTransitions?: () => boolean } = {}) {
    this.session = new DaveMediaSession({
      channelId: CHANNEL,
      externalSender: generateSignatureKeyPair(),
      transitionTimeoutMs: 2000,
      timer: (fn, ms) => {
        const t = { fn, ms, cancelled: false };
        this.timers.push(t);
        return () => {
          t.cancelled = true;
        };
      },
      faults: { transitionIdOverride: () => (opts.zeroTransitions?.() ? 0 : undefined) },
      onEvent: (e) => this.events.push(e),
    });
  }

  join(who: Name, opts: { commits?: boolean } = {}): SimDaveParticipant {
    const userId = ids[who];
    let seq = 0;
    const p = new SimDaveParticipant({
      userId,
      channelId: CHANNEL,
      commits: opts.commits ?? true,
      recognizedUserIds: () => this.session.participantIds(),
      send: (frame) =>
        this.queue.push(() => {
          const msg = decodeSimFrame(frame);
          if (msg && this.members.get(who) === p) this.session.receive(userId, msg);
        }),
    });
    this.members.set(who, p);
    this.received.set(who, []);
    this.session.connect({
      userId,
      send: (original) => {
        const msg = this.tamper ? this.tamper(who, original) : original;
        if (!msg) return;
        this.received.get(who)?.push(msg);
        seq++;
        const frame = 'payload' in msg ? encodeServerBinary(seq, msg.op, msg.payload) : JSON.stringify(msg);
        this.queue.push(() => p.receive(frame));
      },
    });
    p.start();
    return p;
  }

  leave(who: Name): SimDaveParticipant {
    const p = this.members.get(who) as SimDaveParticipant;
    this.members.delete(who);
    this.session.disconnect(ids[who]);
    return p;
  }

  pump(): void {
    for (let i = 0; this.queue.length > 0; i++) {
      if (i > 10_000) throw new Error('message storm');
      (this.queue.shift() as () => void)();
    }
  }

  fireTimers(): void {
    for (const t of this.timers.splice(0)) if (!t.cancelled) t.fn();
    this.pump();
  }

  commits(): Extract<DaveEvent, { type: 'commit' }>[] {
    return this.events.filter(
      (e): e is Extract<DaveEvent, { type: 'commit' }> => e.type === 'commit' && e.accepted,
    );
  }

  /** Every member can decrypt every other member's frames. */
  allHearEachOther(): boolean {
    const frame = Uint8Array.of(0xfc, 1, 2, 3, 4, 5);
    for (const [from, sender] of this.members)
      for (const [to, receiver] of this.members) {
        if (from === to) continue;
        const out = receiver.decrypt(ids[from], sender.encrypt(frame));
        if (out.kind !== 'decrypted' || Buffer.compare(out.opus, frame) !== 0) return false;
      }
    return true;
  }

  opsTo(who: Name): number[] {
    return (this.received.get(who) ?? []).map((m) => m.op);
  }
}

describe('DAVE media session (gateway side) with davey members', () => {
  it('forms the initial group from three pending members: the first commit wins, the rest are stale', () => {
    const w = new World();
    w.join('a');
    w.join('b');
    w.join('c');
    w.pump();
    expect(w.session.isEstablished).toBe(true);
    expect(w.commits()).toHaveLength(1);
    const winner = w.commits()[0];
    expect(winner?.epoch).toBe(1n);
    expect(new Set(w.session.leafUserIds)).toEqual(new Set([ids.a, ids.b, ids.c]));
    // Losing commits were made against epoch 0 and never broadcast (#commit-ordering).
    const rejected = w.events.filter((e) => e.type === 'commit' && !e.accepted);
    for (const r of rejected) expect(r.type === 'commit' && r.reason).toMatch(/epoch 0, not 1|omits/);
    for (const p of w.members.values()) expect(p.epoch).toBe(1n);
    const codes = new Set([...w.members.values()].map((p) => p.privacyCode));
    expect(codes.size).toBe(1);
    expect([...codes][0]).toMatch(/^\d{30}$/);
    expect(w.allHearEachOther()).toBe(true);
    // The winner got op 29 (its own commit); the others op 30 (a Welcome cut down to their secrets).
    const committer = Object.entries(ids).find(([, id]) => id === winner?.userId)?.[0] as Name;
    expect(w.opsTo(committer)).toContain(29);
    for (const n of ['a', 'b', 'c'] as Name[]) if (n !== committer) expect(w.opsTo(n)).toContain(30);
    // Everyone answered op 23, so the transition executed (op 22) without waiting for the timeout.
    expect(w.events.some((e) => e.type === 'transition-executed' && !e.timedOut)).toBe(true);
    for (const n of ['a', 'b', 'c'] as Name[]) expect(w.opsTo(n)).toContain(22);
  });

  it('adds a member who joins mid-call and removes one who leaves, one epoch each', () => {
    const w = new World();
    w.join('a');
    w.join('b');
    w.pump();
    w.join('c');
    w.pump();
    expect(w.session.epoch).toBe(2n);
    const first = [...w.session.leafUserIds.slice(0, 2)];
    expect(new Set(first)).toEqual(new Set([ids.a, ids.b]));
    expect(w.session.leafUserIds[2]).toBe(ids.c);
    expect(w.allHearEachOther()).toBe(true);
    const bLeaf = w.session.leafUserIds.indexOf(ids.b);
    const b = w.leave('b');
    w.pump();
    expect(w.session.epoch).toBe(3n);
    expect(w.session.leafUserIds[bLeaf]).toBeUndefined();
    expect(w.commits().at(-1)?.removed).toEqual([ids.b]);
    expect(w.allHearEachOther()).toBe(true);
    // The departed member cannot read the new epoch.
    expect(
      b.decrypt(ids.a, (w.members.get('a') as SimDaveParticipant).encrypt(Uint8Array.of(0xfc, 9))).kind,
    ).toBe('undecryptable');
    // A newcomer takes the leftmost blank leaf (RFC 9420 §12.1.1).
    w.join('d');
    w.pump();
    expect(w.session.leafUserIds[bLeaf]).toBe(ids.d);
    expect(w.allHearEachOther()).toBe(true);
  });

  it('resets a sole remaining member: op 24 epoch 1, then op 21 transition 0, and a new key package', () => {
    const w = new World();
    w.join('a');
    w.join('b');
    w.pump();
    const before = w.events.filter((e) => e.type === 'key-package').length;
    w.leave('b');
    w.pump();
    expect(w.session.isEstablished).toBe(false);
    expect(w.events.some((e) => e.type === 'sole-member-reset')).toBe(true);
    expect(w.opsTo('a').slice(-2)).toEqual([24, 21]);
    expect(w.members.get('a')?.executedTransitions.at(-1)).toBe(0);
    expect(w.events.filter((e) => e.type === 'key-package').length).toBe(before + 1);
    // The next member builds a new group with it.
    w.join('c');
    w.pump();
    expect(w.session.epoch).toBe(1n);
    expect(w.allHearEachOther()).toBe(true);
  });

  it('announces transition id 0 when asked: members execute at once, no op 22 follows', () => {
    let zero = true;
    const w = new World({ zeroTransitions: () => zero });
    w.join('a');
    w.join('b');
    w.pump();
    expect(w.commits()[0]?.transitionId).toBe(0);
    for (const n of ['a', 'b'] as Name[]) {
      expect(w.opsTo(n)).not.toContain(22);
      expect(w.members.get(n)?.executedTransitions).toEqual([0]);
    }
    expect(w.timers).toHaveLength(0);
    zero = false;
    w.join('c');
    w.pump();
    expect(w.commits()[1]?.transitionId).toBe(1);
    expect(w.allHearEachOther()).toBe(true);
  });

  it('recovers a member that cannot process a commit: op 31, Remove, new key package, Add', () => {
    const w = new World();
    w.join('a');
    w.join('b');
    w.join('c');
    w.pump();
    const epoch = w.session.epoch;
    // c receives a corrupted commit for the next epoch (d joining) and reports it invalid.
    let corrupted = 0;
    w.tamper = (who, msg) => {
      if (who !== 'c' || msg.op !== 29 || corrupted > 0) return msg;
      corrupted++;
      const payload = msg.payload.slice();
      payload[payload.length - 5] = (payload[payload.length - 5] ?? 0) ^ 0xff;
      return { op: 29, payload };
    };
    w.join('d');
    w.pump();
    expect(corrupted).toBe(1);
    expect(w.events.some((e) => e.type === 'invalid-commit-welcome' && e.userId === ids.c)).toBe(true);
    // c was removed and re-added: two more epochs after the one that added d.
    const last = w.commits().slice(-2);
    expect(last.flatMap((c) => c.removed ?? [])).toContain(ids.c);
    expect(last.flatMap((c) => c.added ?? [])).toContain(ids.c);
    expect(w.session.epoch).toBeGreaterThan(epoch + 1n);
    expect(w.allHearEachOther()).toBe(true);
  });

  it('executes a transition on timeout when a member never answers (lost commit)', () => {
    const w = new World();
    w.join('a');
    w.join('b');
    w.pump();
    w.tamper = (who, msg) => (who === 'b' && msg.op === 29 ? undefined : msg);
    const seen = w.opsTo('a').length;
    w.join('c', { commits: false });
    w.pump();
    const pending = w.session.pendingTransition;
    expect(pending?.awaiting).toEqual([ids.b]);
    expect(w.opsTo('a').slice(seen)).not.toContain(22);
    w.fireTimers();
    expect(w.session.pendingTransition).toBeUndefined();
    expect(w.events.some((e) => e.type === 'transition-executed' && e.timedOut)).toBe(true);
    expect(w.opsTo('a').at(-1)).toBe(22);
  });

  it('revokes the Add of a pending member who leaves before anyone commits', () => {
    const w = new World();
    w.join('a', { commits: false });
    w.join('b', { commits: false });
    w.pump();
    expect(w.session.isEstablished).toBe(false);
    w.leave('b');
    w.pump();
    // a had received Add(b): it gets op 27 revoke (operation_type 1).
    const last = (w.received.get('a') ?? []).filter((m) => m.op === 27).at(-1);
    expect(last && 'payload' in last ? last.payload[0] : undefined).toBe(1);
  });

  it('refuses key packages that are not the sender’s, and commits that skip a proposal', () => {
    const w = new World();
    w.join('a');
    w.pump();
    const bFrames: Uint8Array[] = [];
    const b = new SimDaveParticipant({
      userId: ids.b,
      channelId: CHANNEL,
      commits: true,
      recognizedUserIds: () => [ids.a, ids.b],
      send: (f) => {
        if (typeof f !== 'string') bFrames.push(f);
      },
    });
    b.start();
    w.join('c');
    w.pump();
    // c sends b's key package as its own.
    w.session.receive(ids.c, { op: 26, payload: (bFrames[0] as Uint8Array).subarray(1) });
    const rejected = w.events.find((e) => e.type === 'key-package' && !e.accepted);
    expect(rejected?.type === 'key-package' && rejected.reason).toMatch(/is not the sender/);
    // A commit for an epoch the gateway is not in is never broadcast.
    const stale = w.events.filter((e) => e.type === 'commit' && !e.accepted);
    expect(stale.every((e) => e.type === 'commit' && typeof e.reason === 'string')).toBe(true);
    w.session.receive(ids.a, { op: 28, payload: Uint8Array.of(0, 1, 0, 1) });
    expect(w.events.at(-1)).toMatchObject({ type: 'commit', accepted: false });
  });

  it('frames a binary message with the sequence number the link assigns', () => {
    const frame = encodeServerBinary(7, 25, Uint8Array.of(1));
    expect(decodeServerBinary(frame)).toEqual({ seq: 7, op: 25, payload: Uint8Array.of(1) });
  });
});

describe('formDaveGroup', () => {
  it('gives members of one established group who decrypt each other', async () => {
    const { formDaveGroup } = await import('./form-group.ts');
    const [a, b, c] = formDaveGroup([ids.a, ids.b, ids.c]);
    if (!a || !b || !c) throw new Error('missing members');
    expect([a.ready, b.ready, c.ready]).toEqual([true, true, true]);
    expect(b.voicePrivacyCode).toBe(a.voicePrivacyCode);
    const frame = a.encryptOpus(Buffer.from([0xfc, 1, 2, 3]));
    expect([...c.decrypt(ids.a, 0, frame)]).toEqual([0xfc, 1, 2, 3]);
    expect(() => formDaveGroup([ids.a])).toThrow(RangeError);
  });
});
