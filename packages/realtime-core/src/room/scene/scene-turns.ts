// Players' turns in a scene, from the room's floor to the director. A turn's label and audio go to
// the characters whose sessions are connected when it opens (its hearers); when it closes each
// hearer commits it and later transcribes it. Commits come back in order per session, so each
// session's closed turns wait in order for their item ids; the first transcript of a turn is its
// text. Everything here is bounded: a commit or transcript that never comes costs nothing after it.
const MAX_AWAITING_COMMIT = 8;
const MAX_AWAITING_TEXT = 32;

export interface PlayerTurn {
  readonly seq: number;
  readonly speakerId: string;
  readonly label: string;
  /** Characters whose sessions got its label and audio. */
  readonly hearers: Set<string>;
  audioMs: number;
  /** open: the speaker has the floor; closed: committed, waiting to be answered; dropped: nothing to answer. */
  status: 'open' | 'closed' | 'dropped';
  /** The first transcript of it (undefined until one arrives). */
  text: string | undefined;
  /** A session has committed it (the latency breakdown times the first commit). */
  committed: boolean;
}

export class PlayerTurns {
  #seq = 0;
  #open: PlayerTurn | undefined;
  readonly #awaitingCommit = new Map<string, PlayerTurn[]>();
  /** `${characterId}\0${itemId}` → turn, insertion-ordered so the oldest goes first. */
  readonly #byItem = new Map<string, PlayerTurn>();

  get current(): PlayerTurn | undefined {
    return this.#open;
  }

  get pending(): number {
    let n = this.#byItem.size;
    for (const list of this.#awaitingCommit.values()) n += list.length;
    return n;
  }

  open(speakerId: string, label: string, hearers: Iterable<string>): PlayerTurn {
    const turn: PlayerTurn = {
      seq: this.#seq++,
      speakerId,
      label,
      hearers: new Set(hearers),
      audioMs: 0,
      status: 'open',
      text: undefined,
      committed: false,
    };
    this.#open = turn;
    return turn;
  }

  /** The open turn closes; `committedBy` are the hearers that committed it. */
  close(committedBy: readonly string[]): PlayerTurn | undefined {
    const turn = this.#open;
    this.#open = undefined;
    if (!turn) return undefined;
    turn.status = committedBy.length ? 'closed' : 'dropped';
    for (const id of committedBy) {
      const list = this.#awaitingCommit.get(id) ?? [];
      list.push(turn);
      if (list.length > MAX_AWAITING_COMMIT) list.shift();
      this.#awaitingCommit.set(id, list);
    }
    return turn;
  }

  /** The open turn is abandoned (its speaker opted out): nothing of it is answered or attributed. */
  dropOpen(): PlayerTurn | undefined {
    const turn = this.#open;
    this.#open = undefined;
    if (turn) turn.status = 'dropped';
    return turn;
  }

  /** `characterId`'s session committed `itemId`: its oldest closed turn. True for a turn's first commit. */
  committed(characterId: string, itemId: string): boolean {
    const turn = this.#awaitingCommit.get(characterId)?.shift();
    if (!turn) return false;
    this.#byItem.set(`${characterId}\u0000${itemId}`, turn);
    if (this.#byItem.size > MAX_AWAITING_TEXT) this.#byItem.delete(this.#byItem.keys().next().value!);
    const first = !turn.committed;
    turn.committed = true;
    return first;
  }

  /** A commit `characterId` asked for was refused: that turn will never have an item there. */
  commitRefused(characterId: string): void {
    this.#awaitingCommit.get(characterId)?.shift();
  }

  /** The turn `characterId`'s item belongs to (forgotten once asked). */
  ofItem(characterId: string, itemId: string): PlayerTurn | undefined {
    const key = `${characterId}\u0000${itemId}`;
    const turn = this.#byItem.get(key);
    this.#byItem.delete(key);
    return turn;
  }

  /** `characterId`'s session is gone: nothing more will come from it. */
  forget(characterId: string): void {
    this.#awaitingCommit.delete(characterId);
    for (const key of [...this.#byItem.keys()])
      if (key.startsWith(`${characterId}\u0000`)) this.#byItem.delete(key);
    this.#open?.hearers.delete(characterId);
  }
}
