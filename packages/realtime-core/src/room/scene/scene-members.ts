// The scene's characters and their model sessions. A session is opened when its character is first
// needed (addressed, chosen, greeting), within two budgets: the scene's (`maxLiveSessions`) and the
// process's (shared by every room). When either is spent, the scene's least recently used idle
// character gives its session up (the lead last); when none can, the request is refused and the
// scene answers with the characters it has. Every decision is reported as a `sessionBudget` event.
import type { CastMember } from '../ports.ts';
import type { CharacterCards } from './scene-cards.ts';
import type {
  SceneCharacter,
  ScenePort,
  SceneSessions,
  SessionBudget,
  SessionBudgetEvent,
} from './scene-types.ts';
import { describeSessionBudget } from './session-budget.ts';

/** absent: no session; connecting: being opened (callers wait); live: connected and wired. */
type Seat =
  | { status: 'absent' }
  | { status: 'connecting'; waiters: ((member: CastMember | undefined) => void)[] }
  | { status: 'live'; member: CastMember; port: ScenePort; unwire: () => void };

export interface SceneMember {
  readonly character: SceneCharacter;
  readonly cards: CharacterCards;
  seat: Seat;
  /** Last time it was needed (room clock): the least recently used idle member gives its session up first. */
  lastUsed: number;
  /** Greets the room once its session is connected. */
  greet: boolean;
}

export interface SceneMembersHooks {
  /** A session connected: wire it, restore the scene; returns what unwires it. */
  connected(member: SceneMember, port: ScenePort, cast: CastMember): () => void;
  /** Busy members (speaking, asked to, or mid-turn) never give their session up. */
  busy(member: SceneMember): boolean;
  leadId(): string | undefined;
  now(): number;
  report(event: SessionBudgetEvent): void;
}

export class SceneMembers {
  readonly #members = new Map<string, SceneMember>();
  readonly #byCast = new Map<CastMember, SceneMember>();
  readonly #sessions: SceneSessions;
  readonly #budget: SessionBudget | undefined;
  readonly #sceneLimit: number;
  readonly #hooks: SceneMembersHooks;
  #closed = false;

  constructor(
    sessions: SceneSessions,
    budget: SessionBudget | undefined,
    sceneLimit: number,
    hooks: SceneMembersHooks,
  ) {
    this.#sessions = sessions;
    this.#budget = budget;
    this.#sceneLimit = sceneLimit;
    this.#hooks = hooks;
  }

  get size(): number {
    return this.#members.size;
  }

  /** In cast order. */
  all(): SceneMember[] {
    return [...this.#members.values()];
  }

  get(id: string): SceneMember | undefined {
    return this.#members.get(id);
  }

  /** The connected members' cast entries (labels, audio and barge-in reach these). */
  live(): CastMember[] {
    return [...this.#byCast.keys()];
  }

  ofCast(cast: CastMember): SceneMember | undefined {
    return this.#byCast.get(cast);
  }

  add(character: SceneCharacter, cards: CharacterCards, greet: boolean): SceneMember {
    const m: SceneMember = {
      character,
      cards,
      seat: { status: 'absent' },
      lastUsed: this.#hooks.now(),
      greet,
    };
    this.#members.set(character.id, m);
    return m;
  }

  /** The member's connected session, opening one if the budgets allow; undefined if it cannot be had. */
  ensure(id: string): Promise<CastMember | undefined> {
    const m = this.#members.get(id);
    if (!m || this.#closed) return Promise.resolve(undefined);
    m.lastUsed = this.#hooks.now();
    const seat = m.seat;
    if (seat.status === 'live') return Promise.resolve(seat.member);
    if (seat.status === 'connecting') return new Promise((resolve) => seat.waiters.push(resolve));
    if (!this.#takeSlot(m)) {
      this.#report('denied', m);
      return Promise.resolve(undefined);
    }
    const waiters: ((member: CastMember | undefined) => void)[] = [];
    const ready = new Promise<CastMember | undefined>((resolve) => waiters.push(resolve));
    m.seat = { status: 'connecting', waiters };
    // A factory that throws instead of rejecting is a refusal all the same.
    new Promise<ScenePort>((resolve) => resolve(this.#sessions.open(m.character))).then(
      (port) => this.#opened(m, port),
      (err: unknown) => this.#failed(m, err),
    );
    return ready;
  }

  /** Removes a member and closes its session. */
  remove(id: string): boolean {
    const m = this.#members.get(id);
    if (!m) return false;
    this.#members.delete(id);
    this.#release(m, 'closed');
    return true;
  }

  /** A member's session failed for good: it is closed (the member stays and may connect again later). */
  drop(id: string, reason: string): void {
    const m = this.#members.get(id);
    if (!m) return;
    this.#release(m, undefined);
    this.#report('failed', m, reason);
  }

  /** Members with a session connected or being opened. */
  get connectedOrConnecting(): number {
    return this.all().filter((m) => m.seat.status !== 'absent').length;
  }

  closeAll(): void {
    this.#closed = true;
    for (const m of this.#members.values()) this.#release(m, undefined);
  }

  #opened(m: SceneMember, port: ScenePort): void {
    const seat = m.seat;
    if (seat.status !== 'connecting' || this.#closed || this.#members.get(m.character.id) !== m) {
      // Removed (or the room ended) while it was connecting.
      this.#sessions.close(m.character, port);
      this.#budget?.release();
      m.seat = { status: 'absent' };
      if (seat.status === 'connecting') for (const w of seat.waiters.splice(0)) w(undefined);
      return;
    }
    const name = () => m.character.name;
    const cast: CastMember = {
      get name() {
        return name();
      },
      model: port,
    };
    this.#byCast.set(cast, m);
    m.seat = { status: 'live', member: cast, port, unwire: () => {} };
    m.seat.unwire = this.#hooks.connected(m, port, cast);
    this.#report('connected', m);
    for (const w of seat.waiters) w(cast);
  }

  #failed(m: SceneMember, err: unknown): void {
    const seat = m.seat;
    this.#budget?.release();
    if (seat.status !== 'connecting') return;
    m.seat = { status: 'absent' };
    const reason = err instanceof Error ? err.message : String(err);
    this.#report('failed', m, reason);
    for (const w of seat.waiters) w(undefined);
  }

  /** A slot for `m`: free ones first, then the least recently used idle member's (the lead last). */
  #takeSlot(m: SceneMember): boolean {
    for (;;) {
      const used = this.all().filter((x) => x.seat.status !== 'absent').length;
      if (used < this.#sceneLimit && (this.#budget?.tryAcquire() ?? true)) return true;
      const lead = this.#hooks.leadId();
      const victim = this.all()
        .filter((x) => x !== m && x.seat.status === 'live' && !this.#hooks.busy(x))
        .sort(
          (a, b) =>
            Number(a.character.id === lead) - Number(b.character.id === lead) || a.lastUsed - b.lastUsed,
        )[0];
      if (!victim) return false;
      this.#release(victim, 'evicted');
    }
  }

  /** Closes `m`'s session (if any) and gives its slot back. */
  #release(m: SceneMember, report: 'evicted' | 'closed' | undefined): void {
    const seat = m.seat;
    m.seat = { status: 'absent' };
    if (seat.status === 'connecting') {
      // Still connecting: #opened closes the session when it arrives and gives its slot back.
      const waiting = seat.waiters.splice(0);
      m.seat = seat;
      for (const w of waiting) w(undefined);
      return;
    }
    if (seat.status !== 'live') return;
    seat.unwire();
    this.#byCast.delete(seat.member);
    this.#sessions.close(m.character, seat.port);
    this.#budget?.release();
    if (report) this.#report(report, m);
  }

  #report(type: SessionBudgetEvent['type'], m: SceneMember, reason?: string): void {
    const live = this.all().filter((x) => x.seat.status === 'live').length;
    const b = this.#budget;
    const name = m.character.name;
    const counts = `${live} of ${this.#sceneLimit} for this scene${b ? `, ${b.inUse} of ${b.limit} for this process` : ''}`;
    const what = {
      connected: `${name}'s session connected (${counts})`,
      evicted: `${name} gave its session up for a character that was needed (${counts}); it catches up when it returns`,
      closed: `${name}'s session closed (${counts})`,
      failed: `${name}'s session could not be opened: ${reason ?? 'unknown error'}`,
      denied: `${name} cannot be connected: no session is free and every connected character is busy (${counts}); the scene answers with the characters it has`,
    }[type];
    const advice = type === 'denied' && b ? ` ${describeSessionBudget(b.limit, this.#members.size)}` : '';
    this.#hooks.report({
      type,
      characterId: m.character.id,
      live,
      sceneLimit: this.#sceneLimit,
      ...(b ? { processInUse: b.inUse, processLimit: b.limit } : {}),
      message: `${what}.${advice}`,
    });
  }
}
