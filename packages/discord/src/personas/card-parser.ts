// Parsing a large card is synchronous and takes up to a second of CPU (inflate, base64, JSON,
// cleaning megabytes of text). On the main thread that would stall every server's interactions
// past Discord's 3-second deadline, so cards are parsed in worker threads with their own memory
// cap and a time limit. At most `concurrency` workers exist; an idle one is kept for a while
// (starting one costs more than most parses), and one that hits a limit is thrown away.
import { Worker } from 'node:worker_threads';
import type { Persona } from '@troupe/realtime-core';

const WORKER_URL = new URL('./card-worker.ts', import.meta.url);

/** A card the worker could not read within its limits (memory, time) or at all. */
export class CardParseError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

export interface CardParserOptions {
  timeoutMs?: number;
  /** Heap cap of one worker, in MiB. */
  maxHeapMb?: number;
  concurrency?: number;
  /** An idle worker exits after this long. */
  idleMs?: number;
}

/** A card read into a persona, with what was ignored or cut on the way (for the importing admin). */
export interface ImportedCard {
  persona: Persona;
  warnings: string[];
}

/** Reads a card; `voice` (an admin's choice) wins over the card's own and the suggested one. */
export type ImportCard = (
  bytes: Uint8Array,
  fileName: string,
  options?: { voice?: string },
) => Promise<ImportedCard>;

type Reply =
  | { id: number; ok: true; persona: Persona; warnings: string[] }
  | { id: number; ok: false; name: string; message: string };

interface Slot {
  worker: Worker;
  /** Resolves once the worker has loaded the importer (rejects if it dies first). */
  ready: Promise<void>;
  idleTimer?: ReturnType<typeof setTimeout>;
}

/** Returns `importCard(bytes, fileName)` that parses in worker threads. */
export function createCardParser(o: CardParserOptions = {}): ImportCard {
  const timeoutMs = o.timeoutMs ?? 10_000;
  const maxHeapMb = o.maxHeapMb ?? 128;
  const concurrency = o.concurrency ?? 2;
  const idleMs = o.idleMs ?? 30_000;
  const idle: Slot[] = [];
  let live = 0;
  const waiting: ((slot: Slot) => void)[] = [];
  let nextId = 0;

  const spawn = (): Slot => {
    live++;
    const worker = new Worker(WORKER_URL, {
      resourceLimits: { maxOldGenerationSizeMb: maxHeapMb, maxYoungGenerationSizeMb: 32 },
      stdout: true,
      stderr: true,
    });
    // Never keeps the process alive on its own.
    worker.unref();
    worker.once('exit', () => {
      live--;
      const at = idle.findIndex((s) => s.worker === worker);
      if (at >= 0) idle.splice(at, 1);
      // A place became free: whoever waits gets a fresh worker.
      const next = waiting.shift();
      if (next) next(spawn());
    });
    const ready = new Promise<void>((resolve, reject) => {
      const onReady = (m: { ready?: boolean }) => {
        if (!m.ready) return;
        worker.off('message', onReady);
        resolve();
      };
      worker.on('message', onReady);
      worker.once('error', reject);
      worker.once('exit', () =>
        reject(new CardParseError('CardParseCrash', 'the card reader did not start')),
      );
    });
    ready.catch(() => undefined);
    return { worker, ready };
  };
  const acquire = (): Promise<Slot> => {
    const slot = idle.pop();
    if (slot) {
      clearTimeout(slot.idleTimer);
      return Promise.resolve(slot);
    }
    if (live < concurrency) return Promise.resolve(spawn());
    return new Promise((resolve) => waiting.push(resolve));
  };
  const release = (slot: Slot, healthy: boolean) => {
    if (!healthy) {
      // Its exit hands the place to the next waiter.
      void slot.worker.terminate();
      return;
    }
    const next = waiting.shift();
    if (next) return next(slot);
    slot.idleTimer = setTimeout(() => void slot.worker.terminate(), idleMs);
    slot.idleTimer.unref?.();
    idle.push(slot);
  };

  return async (bytes, fileName, options = {}) => {
    const slot = await acquire();
    try {
      await slot.ready;
    } catch (err) {
      release(slot, false);
      throw toParseError(err, maxHeapMb);
    }
    const id = ++nextId;
    return new Promise<ImportedCard>((resolve, reject) => {
      const { worker } = slot;
      const done = (healthy: boolean, settle: () => void) => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        release(slot, healthy);
        settle();
      };
      const onMessage = (m: Reply) => {
        if (m.id !== id) return;
        done(true, () =>
          m.ok
            ? resolve({ persona: m.persona, warnings: m.warnings })
            : reject(new CardParseError(m.name, m.message)),
        );
      };
      const onError = (err: Error) => done(false, () => reject(toParseError(err, maxHeapMb)));
      const onExit = () =>
        done(false, () =>
          reject(new CardParseError('CardParseCrash', 'the card reader stopped without an answer')),
        );
      const timer = setTimeout(
        () =>
          done(false, () =>
            reject(
              new CardParseError(
                'CardParseTimeout',
                `reading the card took longer than ${timeoutMs / 1000} s`,
              ),
            ),
          ),
        timeoutMs,
      );
      worker.on('message', onMessage);
      worker.once('error', onError);
      worker.once('exit', onExit);
      worker.postMessage({ id, bytes, fileName, ...(options.voice ? { voice: options.voice } : {}) });
    });
  };
}

function toParseError(err: unknown, maxHeapMb: number): CardParseError {
  if (err instanceof CardParseError) return err;
  if ((err as { code?: unknown })?.code === 'ERR_WORKER_OUT_OF_MEMORY')
    return new CardParseError(
      'CardParseMemory',
      `reading the card needs more than ${maxHeapMb} MiB of memory`,
    );
  return new CardParseError('CardParseCrash', 'the card reader failed');
}
