// Worker entry: parses one character card off the main thread (see card-parser.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { importCharacterCard } from '@troupe/realtime-core';

const { bytes, fileName } = workerData as { bytes: Uint8Array; fileName: string };
try {
  parentPort?.postMessage({ ok: true, persona: importCharacterCard(bytes, fileName) });
} catch (err) {
  const e = err as { name?: unknown; message?: unknown };
  parentPort?.postMessage({
    ok: false,
    name: String(e?.name ?? 'Error'),
    message: String(e?.message ?? err),
  });
}
