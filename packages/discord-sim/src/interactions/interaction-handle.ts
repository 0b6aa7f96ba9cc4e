import { EventEmitter } from 'node:events';
import { InteractionResponseType, MessageFlags } from 'discord-api-types/v10';

/** One thing the bot did in answer to an interaction. */
export type InteractionResponseRecord =
  | { kind: 'callback'; type: InteractionResponseType; data: Record<string, unknown>; atMs: number }
  | { kind: 'edit'; messageId: string; data: Record<string, unknown>; atMs: number }
  | { kind: 'followUp'; messageId: string; data: Record<string, unknown>; atMs: number }
  | { kind: 'delete'; messageId: string; atMs: number };

/** A message as members see it now: the bot's latest content, embeds and components. */
export interface MessageView {
  id: string | undefined;
  content: string | undefined;
  embeds: Record<string, unknown>[];
  components: Record<string, unknown>[];
  flags: number;
}

const VIEW_FIELDS = ['content', 'embeds', 'components'] as const;

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
  /** @internal Set by the REST routes: the id of the message the first response created. */
  messageId: string | undefined;
  /** For a component interaction: the message the component was on, as it was when clicked. */
  readonly source: MessageView | undefined;

  constructor(id: string, token: string, sentAt: number, source?: MessageView) {
    this.id = id;
    this.token = token;
    this.sentAt = sentAt;
    this.source = source;
  }

  /**
   * The message this interaction answers with (a command's reply) or updates (a component's
   * message, response type 7 or a deferred update and its edits), as members see it now.
   */
  get message(): MessageView {
    const view: MessageView = this.source
      ? { ...this.source }
      : { id: undefined, content: undefined, embeds: [], components: [], flags: 0 };
    for (const r of this.responses) {
      if (r.kind !== 'callback' && r.kind !== 'edit') continue;
      if (r.kind === 'callback') {
        if (r.type === InteractionResponseType.ApplicationCommandAutocompleteResult) continue;
        if (!this.source) {
          view.id = this.messageId;
          view.flags = Number(r.data.flags ?? 0);
        }
      }
      for (const f of VIEW_FIELDS) {
        const v = r.data[f];
        if (f === 'content' ? typeof v === 'string' : Array.isArray(v))
          (view as unknown as Record<string, unknown>)[f] = v;
      }
    }
    return view;
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
