// Parsing a large card is synchronous and takes up to a second of CPU (inflate, base64, JSON,
// cleaning megabytes of text). On the main thread that would stall every server's interactions
// past Discord's 3-second deadline, so each card is parsed in a short-lived worker thread with
// its own memory cap and a time limit; at most two run at once.
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
  /** Heap cap of one parse, in MiB. */
  maxHeapMb?: number;
  concurrency?: number;
}

/** Returns `importCard(bytes, fileName)` that parses in worker threads. */
export function createCardParser(
  o: CardParserOptions = {},
): (bytes: Uint8Array, fileName: string) => Promise<Persona> {
  const timeoutMs = o.timeoutMs ?? 10_000;
  const concurrency = o.concurrency ?? 2;
  let running = 0;
  const waiting: (() => void)[] = [];
  const slot = async () => {
    if (running >= concurrency) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
  };
  const release = () => {
    running--;
    waiting.shift()?.();
  };
  return async (bytes, fileName) => {
    await slot();
    try {
      return await parseOnce(bytes, fileName, timeoutMs, o.maxHeapMb ?? 128);
    } finally {
      release();
    }
  };
}

function parseOnce(
  bytes: Uint8Array,
  fileName: string,
  timeoutMs: number,
  maxHeapMb: number,
): Promise<Persona> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_URL, {
      workerData: { bytes, fileName },
      resourceLimits: { maxOldGenerationSizeMb: maxHeapMb, maxYoungGenerationSizeMb: 32 },
      stdout: true,
      stderr: true,
    });
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      fn();
    };
    const timer = setTimeout(
      () =>
        finish(() =>
          reject(
            new CardParseError('CardParseTimeout', `reading the card took longer than ${timeoutMs / 1000} s`),
          ),
        ),
      timeoutMs,
    );
    worker.once(
      'message',
      (m: { ok: true; persona: Persona } | { ok: false; name: string; message: string }) =>
        finish(() => (m.ok ? resolve(m.persona) : reject(new CardParseError(m.name, m.message)))),
    );
    worker.once('error', (err: Error & { code?: string }) =>
      finish(() =>
        reject(
          err.code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? new CardParseError(
                'CardParseMemory',
                `reading the card needs more than ${maxHeapMb} MiB of memory`,
              )
            : new CardParseError('CardParseCrash', 'the card reader failed'),
        ),
      ),
    );
    worker.once('exit', () =>
      finish(() => reject(new CardParseError('CardParseCrash', 'the card reader stopped without an answer'))),
    );
  });
}
