// Worker entry: parses character cards off the main thread, one message at a time (see card-parser.ts).
import { parentPort } from 'node:worker_threads';
import { importCharacterCardWithWarnings } from '@troupe/realtime-core';

type Request = { id: number; bytes: Uint8Array; fileName: string; voice?: string };

parentPort?.on('message', ({ id, bytes, fileName, voice }: Request) => {
  try {
    const { persona, warnings } = importCharacterCardWithWarnings(bytes, fileName, voice ? { voice } : {});
    parentPort?.postMessage({ id, ok: true, persona, warnings });
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
