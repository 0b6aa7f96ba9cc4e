// An offline walk through realtime-core against the simulator, no credentials needed:
// two labelled speakers, a reply each, a voice switch by reconnection, a barge-in with
// truncation, then a dropped connection that the session survives. Prints a transcript
// and writes what a listener heard to a WAV file.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startRealtimeSim, synthesizeSpeech } from '@troupe/realtime-sim';
import { RealtimeSession } from '../src/index.ts';

const RATE = 24_000;
const sim = await startRealtimeSim({ apiKey: 'demo-key', speed: 4 });
const session = new RealtimeSession({
  url: sim.url,
  model: 'stepaudio-2.5-realtime',
  apiKey: 'demo-key',
  config: {
    instructions: 'You are Captain Mara Voss.',
    voice: 'wenrounansheng',
    turnDetection: { type: 'server_vad', silenceDurationMs: 500 },
  },
});
const heard: Int16Array[] = [];
const lines: string[] = [];
const t0 = performance.now();
const stamp = () => `${((performance.now() - t0) / 1000).toFixed(2).padStart(6)} s`;
session.on('audio', (pcm) => heard.push(pcm));
session.on(
  'transcript',
  (t) => t.final && lines.push(`${stamp()}  ${t.role === 'user' ? '  user  ' : 'persona '} ${t.text}`),
);
session.on('reconnected', (e) =>
  lines.push(`${stamp()}  -- new connection (${e.reason}), conversation replayed --`),
);
session.on('error', (e) => lines.push(`${stamp()}  !! ${e.code}: ${e.message}`));

const replies = () => sim.responses.filter((r) => r.status !== 'in_progress').length;
async function speak(name: string, ms: number): Promise<void> {
  lines.push(`${stamp()}  [${name}] speaks for ${(ms / 1000).toFixed(1)} s`);
  session.addText('user', `[${name}]`);
  const speech = synthesizeSpeech(name, ms, RATE);
  const all = new Int16Array(speech.length + RATE * 0.7);
  all.set(speech);
  const before = replies();
  for (let at = 0; at < all.length; at += 480) session.appendAudio(all.subarray(at, at + 480));
  await sim.waitFor(() => replies() > before || undefined, 15_000);
}

await session.connect();
lines.push(`${stamp()}  connected to ${sim.url} as voice "wenrounansheng"`);
await speak('Alice', 1200);
await speak('Bob', 800);
lines.push(`${stamp()}  switching persona voice to "qingchunshaonv"`);
await session.update({ voice: 'qingchunshaonv' });
const chunksBefore = heard.length;
session.createResponse({ instructions: 'Greet everyone in your new voice.' });
await sim.waitFor(() => heard.length >= chunksBefore + 4 || undefined);
const itemId = sim.sessions
  .at(-1)!
  .items.filter((i) => i.role === 'assistant')
  .at(-1)!.id;
lines.push(`${stamp()}  [Alice] interrupts: cancel and truncate at 400 ms`);
session.cancelResponse();
session.truncate(itemId, 400);
await sim.waitFor(() => sim.responses.at(-1)!.truncatedAtMs !== undefined || undefined);
lines.push(`${stamp()}  the network drops the model connection (simulated fault)`);
sim.faults.dropAll();
await new Promise<void>((r) => session.once('reconnected', () => r()));
await speak('Bob', 600);
session.close();
await sim.close();

console.log('\nTroupe core demo: RealtimeSession against the local StepFun-protocol simulator\n');
for (const line of lines) console.log(line);
console.log('\nresponse  voice            heard   labels   status     truncated');
for (const r of sim.responses) {
  console.log(
    `${r.responseId.padEnd(9)} ${r.voice.padEnd(16)} ${String(r.heardMs).padStart(5)} ms ${r.labels.join(',').padEnd(8)} ${r.status.padEnd(10)} ${r.truncatedAtMs ?? ''}`,
  );
}
const out = resolve(process.env.DEMO_OUT_DIR ?? 'out');
mkdirSync(out, { recursive: true });
const wav = join(out, 'core-demo-listener.wav');
writeFileSync(wav, toWav(heard, RATE));
console.log(
  `\nwrote ${wav} (${(heard.reduce((n, h) => n + h.length, 0) / RATE).toFixed(1)} s of persona audio)`,
);

function toWav(parts: Int16Array[], rate: number): Buffer {
  const samples = parts.reduce((n, p) => n + p.length, 0);
  const buf = Buffer.alloc(44 + samples * 2);
  buf.write('RIFF', 0);
  buf.writeUInt32LE(36 + samples * 2, 4);
  buf.write('WAVEfmt ', 8);
  buf.writeUInt32LE(16, 16);
  buf.writeUInt16LE(1, 20);
  buf.writeUInt16LE(1, 22);
  buf.writeUInt32LE(rate, 24);
  buf.writeUInt32LE(rate * 2, 28);
  buf.writeUInt16LE(2, 32);
  buf.writeUInt16LE(16, 34);
  buf.write('data', 36);
  buf.writeUInt32LE(samples * 2, 40);
  let at = 44;
  for (const p of parts) {
    Buffer.from(p.buffer, p.byteOffset, p.byteLength).copy(buf, at);
    at += p.byteLength;
  }
  return buf;
}
