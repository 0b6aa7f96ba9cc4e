// Keeps one connection LISTENing for store changes, reconnecting with backoff when it drops.
// While it is down, notifications may be lost: the store reads settings through and, once
// listening again, reloads what it caches (`onResync`).
import type pg from 'pg';
import type { StoreLog } from '../state-cache.ts';

export interface ChangeListenerOptions {
  connect(): pg.Client;
  channel: string;
  onNotification(message: pg.Notification): void;
  onResync(): Promise<void>;
  log: StoreLog;
}

type ListenerState =
  | { kind: 'idle' }
  | { kind: 'listening'; client: pg.Client }
  | { kind: 'reconnecting'; attempt: number; timer: NodeJS.Timeout | undefined }
  | { kind: 'stopped' };

const BACKOFF_MIN_MS = 100;
const BACKOFF_MAX_MS = 5_000;

export class ChangeListener {
  readonly #o: ChangeListenerOptions;
  #state: ListenerState = { kind: 'idle' };

  constructor(options: ChangeListenerOptions) {
    this.#o = options;
  }

  get listening(): boolean {
    return this.#state.kind === 'listening';
  }

  /**
   * One round trip on the listening connection: PostgreSQL delivers the notifications of every
   * transaction committed before it ahead of its answer. False when not listening.
   */
  async sync(): Promise<boolean> {
    const state = this.#state;
    if (state.kind !== 'listening') return false;
    try {
      await state.client.query('SELECT 1');
      return this.#state === state;
    } catch {
      return false;
    }
  }

  /** Connects and listens; the first connection must succeed (a wrong DATABASE_URL fails here). */
  async start(): Promise<void> {
    const client = await this.#listen();
    this.#setState({ kind: 'listening', client });
  }

  async stop(): Promise<void> {
    const previous = this.#state;
    this.#setState({ kind: 'stopped' });
    if (previous.kind === 'reconnecting' && previous.timer) clearTimeout(previous.timer);
    if (previous.kind === 'listening') await previous.client.end().catch(() => {});
  }

  /** The one place the state changes. */
  #setState(next: ListenerState): void {
    this.#state = next;
  }

  async #listen(): Promise<pg.Client> {
    const client = this.#o.connect();
    client.on('notification', (message) => this.#o.onNotification(message));
    client.on('error', (err) => this.#lost(client, err));
    client.on('end', () => this.#lost(client, new Error('the notification connection closed')));
    try {
      await client.connect();
      await client.query(`LISTEN "${this.#o.channel.replaceAll('"', '""')}"`);
    } catch (err) {
      await client.end().catch(() => {});
      throw err;
    }
    return client;
  }

  #lost(client: pg.Client, err: unknown): void {
    const state = this.#state;
    if (state.kind !== 'listening' || state.client !== client) return;
    this.#o.log(
      'warn',
      'store change notifications lost; reconnecting (settings are read through meanwhile)',
      err,
    );
    client.end().catch(() => {});
    this.#schedule(0);
  }

  #schedule(attempt: number): void {
    const delay = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** attempt);
    const timer = setTimeout(() => void this.#reconnect(attempt), delay);
    timer.unref();
    this.#setState({ kind: 'reconnecting', attempt, timer });
  }

  async #reconnect(attempt: number): Promise<void> {
    let client: pg.Client;
    try {
      client = await this.#listen();
    } catch (err) {
      if (this.#state.kind === 'stopped') return;
      if (attempt === 0) this.#o.log('warn', 'store change notifications: reconnect failed, retrying', err);
      this.#schedule(attempt + 1);
      return;
    }
    if (this.#state.kind === 'stopped') {
      await client.end().catch(() => {});
      return;
    }
    this.#setState({ kind: 'listening', client });
    try {
      await this.#o.onResync();
    } catch (err) {
      this.#lost(client, err);
    }
  }
}
