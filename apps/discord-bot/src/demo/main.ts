// `pnpm demo`: the whole pipeline offline (local Discord + local realtime model), real bot in between.
import pino from 'pino';
import { DEFAULT_MODEL } from '../config.ts';
import { formatPauses } from './pause-timeline.ts';
import { formatLatencyTable, formatLine } from './report.ts';
import { runDemo } from './run-demo.ts';

const started = performance.now();
const useReal = process.env.DEMO_REAL_MODEL === '1' && !!process.env.STEPFUN_API_KEY;
const logger = pino({ level: process.env.LOG_LEVEL ?? 'silent' }, pino.destination(2));

console.log(
  `Troupe offline demo — local Discord emulator + ${useReal ? 'REAL StepFun realtime' : 'local realtime model'}\n`,
);
console.log('Transcript, as it happens\n========================');
try {
  const result = await runDemo({
    logger,
    onLine: (line) => console.log(formatLine(line)),
    ...(useReal
      ? {
          realtime: {
            url: process.env.STEPFUN_REALTIME_URL ?? 'wss://api.stepfun.com/v1/realtime',
            apiKey: process.env.STEPFUN_API_KEY ?? '',
            model: process.env.STEPFUN_MODEL ?? DEFAULT_MODEL,
          },
        }
      : {}),
  });
  console.log('\nPer-turn latency (ms)\n=====================');
  console.log(formatLatencyTable(result.turns));
  console.log(
    `\nListener WAV: ${result.wavPath} (${(result.wavMs / 1000).toFixed(1)} s, the whole scene with its silences; ${(result.heardMs / 1000).toFixed(1)} s of speech at ${result.heardDbfs.toFixed(1)} dBFS)`,
  );
  console.log(
    `Model heard speakers: ${result.speakerLabels.join(', ')}; interrupted replies: ${result.interruptedResponses}`,
  );
  for (const s of result.scene)
    console.log(
      `Scene: ${s.player} called ${s.addressed} by name; lines that followed: ${s.answeredBy.join(' → ') || '(none)'}`,
    );
  for (const p of result.pauses) console.log(formatPauses(p));
  const e = result.e2ee;
  console.log(
    e.encrypted
      ? `End-to-end encrypted (DAVE v${e.protocolVersion}, epoch ${e.epoch}): privacy code ${e.privacyCode} (listener ${e.listenerAgrees ? 'agrees' : 'DISAGREES'}); ${e.framesDecrypted} frames decrypted by the listener, ${e.framesUnencrypted} sent in the clear`
      : 'NOT end-to-end encrypted: the voice call used transport encryption only',
  );
  console.log(`Done in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
  process.exit(0);
} catch (err) {
  console.error(`demo failed: ${(err as Error).message}`);
  process.exit(1);
}
