import { EventEmitter } from 'node:events';
import { InteractionResponseType, MessageFlags } from 'discord-api-types/v10';

/** One thing the bot did in answer to an interaction. */
export type InteractionResponseRecord =
  | { kind: 'callback'; type: InteractionResponseType; data: Record<string, unknown>; atMs: number }
  | { kind: 'edit'; messageId: string; data: Record<string, unknown>; atMs: number }
  | { kind: 'followUp'; messageId: string; data: Record<string, unknown>; atMs: number }
  | { kind: 'delete'; messageId: string; atMs: number };

/**
 * The test's view of one interaction: every callback, edit and follow-up the bot made,
 * with helpers to await them (no sleeps needed).
 */
export class InteractionHandle {
  readonly id: string;
  readonly token: string;
  readonly responses: InteractionResponseRecord[] = [];
  private readonly sentAt: number;
  private readonly events = new EventEmitter();

  constructor(id: string, token: string, sentAt: number) {
    this.id = id;
    this.token = token;
    this.sentAt = sentAt;
  }

  /** @internal Called by the REST routes. */
  record(r: InteractionResponseRecord): void {
    this.responses.push({ ...r, atMs: r.atMs - this.sentAt });
    this.events.emit('response');
  }

  /** Waits until a response matching `predicate` exists (already or later). */
  waitFor(
    predicate: (r: InteractionResponseRecord) => boolean,
    timeoutMs = 10_000,
  ): Promise<InteractionResponseRecord> {
    const found = this.responses.find(predicate);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.events.off('response', check);
        reject(
          new Error(
            `interaction ${this.id}: no matching response within ${timeoutMs} ms (got ${this.responses.map((r) => r.kind).join(', ') || 'nothing'})`,
          ),
        );
      }, timeoutMs);
      const check = () => {
        const hit = this.responses.find(predicate);
        if (!hit) return;
        clearTimeout(timer);
        this.events.off('response', check);
        resolve(hit);
      };
      this.events.on('response', check);
    });
  }

  /** The initial callback (reply, defer, autocomplete result, ...). */
  async firstResponse(timeoutMs?: number): Promise<Extract<InteractionResponseRecord, { kind: 'callback' }>> {
    return (await this.waitFor((r) => r.kind === 'callback', timeoutMs)) as Extract<
      InteractionResponseRecord,
      { kind: 'callback' }
    >;
  }

  /** Waits for the n-th (1-based) edit of the original response. */
  async edited(n = 1, timeoutMs?: number): Promise<Extract<InteractionResponseRecord, { kind: 'edit' }>> {
    await this.waitFor(() => this.responses.filter((r) => r.kind === 'edit').length >= n, timeoutMs);
    return this.responses.filter((r) => r.kind === 'edit')[n - 1] as Extract<
      InteractionResponseRecord,
      { kind: 'edit' }
    >;
  }

  /** Waits for the n-th (1-based) follow-up message. */
  async followedUp(
    n = 1,
    timeoutMs?: number,
  ): Promise<Extract<InteractionResponseRecord, { kind: 'followUp' }>> {
    await this.waitFor(() => this.responses.filter((r) => r.kind === 'followUp').length >= n, timeoutMs);
    return this.responses.filter((r) => r.kind === 'followUp')[n - 1] as Extract<
      InteractionResponseRecord,
      { kind: 'followUp' }
    >;
  }

  private get callback(): Extract<InteractionResponseRecord, { kind: 'callback' }> | undefined {
    return this.responses.find((r) => r.kind === 'callback') as
      | Extract<InteractionResponseRecord, { kind: 'callback' }>
      | undefined;
  }

  /** Callback type of the first response, if any. */
  get callbackType(): InteractionResponseType | undefined {
    return this.callback?.type;
  }

  get deferred(): boolean {
    return this.callbackType === InteractionResponseType.DeferredChannelMessageWithSource;
  }

  get ephemeral(): boolean {
    const flags = Number(this.callback?.data.flags ?? 0);
    return (flags & MessageFlags.Ephemeral) !== 0;
  }

  /** Milliseconds from dispatch to the first callback. */
  get timeToFirstResponseMs(): number | undefined {
    return this.callback?.atMs;
  }

  /** The original response's current content (reply content, then the latest edit). */
  get content(): string | undefined {
    let content: string | undefined;
    for (const r of this.responses) {
      if ((r.kind === 'callback' || r.kind === 'edit') && typeof r.data.content === 'string')
        content = r.data.content;
    }
    return content;
  }

  /** Contents of follow-up messages in order. */
  get followUps(): { content: string | undefined; ephemeral: boolean }[] {
    return this.responses.flatMap((r) =>
      r.kind === 'followUp'
        ? [
            {
              content: typeof r.data.content === 'string' ? r.data.content : undefined,
              ephemeral: (Number(r.data.flags ?? 0) & MessageFlags.Ephemeral) !== 0,
            },
          ]
        : [],
    );
  }
}
