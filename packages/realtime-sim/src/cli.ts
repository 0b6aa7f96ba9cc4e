// `pnpm --filter @troupe/realtime-sim start --port 8787 [--api-key KEY] [--speed 1] [--any-model]
//   [--session-cap-ms N] [--dialect stepfun|openai]`
// Prints the URL to point a client at; Ctrl-C stops it.
import { parseArgs } from 'node:util';
import { startRealtimeSim } from './server.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8787' },
    'api-key': { type: 'string', default: 'sim-key' },
    speed: { type: 'string', default: '1' },
    'any-model': { type: 'boolean', default: false },
    'session-cap-ms': { type: 'string' },
    dialect: { type: 'string', default: 'stepfun' },
  },
});
const port = Number(values.port);
const speed = Number(values.speed);
const dialect = values.dialect;
if (
  !Number.isInteger(port) ||
  port < 0 ||
  port > 65_535 ||
  !(speed > 0) ||
  (dialect !== 'stepfun' && dialect !== 'openai')
) {
  console.error(
    'realtime-sim: --port must be an integer 0..65535, --speed a positive number, --dialect stepfun or openai',
  );
  process.exit(2);
}
const cap = values['session-cap-ms'] === undefined ? undefined : Number(values['session-cap-ms']);
const sim = await startRealtimeSim({
  port,
  apiKey: values['api-key'],
  speed,
  acceptAnyModel: values['any-model'],
  dialect,
  ...(cap && cap > 0 ? { sessionCapMs: cap } : {}),
});
console.log(
  `realtime-sim listening: ${sim.url}?model=${dialect === 'stepfun' ? 'stepaudio-2.5-realtime' : 'gpt-realtime'} (Authorization: Bearer <your --api-key>)`,
);
process.on('SIGINT', () => {
  void sim.close().then(() => process.exit(0));
});
