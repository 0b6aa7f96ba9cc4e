// `pnpm --filter @troupe/realtime-sim start --port 8787 [--api-key KEY] [--speed 4]`
import { parseArgs } from 'node:util';
import { startRealtimeSim } from './server.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8787' },
    'api-key': { type: 'string', default: 'sim-key' },
    speed: { type: 'string', default: '1' },
  },
});
const sim = await startRealtimeSim({
  port: Number(values.port),
  apiKey: values['api-key'],
  speed: Number(values.speed),
});
console.log(
  `realtime-sim listening: ${sim.url}?model=step-2.5-realtime (Authorization: Bearer <your --api-key>)`,
);
process.on('SIGINT', () => {
  void sim.close().then(() => process.exit(0));
});
