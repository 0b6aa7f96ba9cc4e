// Worker entry: parses character cards off the main thread, one message at a time (see card-parser.ts).
import { parentPort } from 'node:worker_threads';
import { importCharacterCard } from '@troupe/realtime-core';

parentPort?.on('message', ({ id, bytes, fileName }: { id: number; bytes: Uint8Array; fileName: string }) => {
  try {
    parentPort?.postMessage({ id, ok: true, persona: importCharacterCard(bytes, fileName) });
  } catch (err) {
    const e = err as { name?: unknown; message?: unknown };
    parentPort?.postMessage({
      id,
      ok: false,
      name: String(e?.name ?? 'Error'),
      message: String(e?.message ?? err),
    });
  }
});

// Loading the importer is most of a worker's start-up: parse time limits start after this.
parentPort?.postMessage({ ready: true });
