// Child process for the load bench: hosts the emulated world so its CPU is not charged to the bot.
// Protocol over IPC: {cmd:'start',n} → WorldInfo; {cmd:'join',persona} → JoinReport; {cmd:'run',seconds}
// → WorldMeasurement; {cmd:'close'} → exits. Every reply is {ok:true,value} or {ok:false,error}.
import { type LoadWorld, startLoadWorld } from './load-world.ts';

let world: LoadWorld | undefined;

async function handle(msg: {
  cmd: string;
  n?: number;
  salt?: number;
  persona?: string;
  seconds?: number;
}): Promise<unknown> {
  switch (msg.cmd) {
    case 'start':
      // BENCH_LOAD_DAVE=0: the same world without end-to-end encryption, to price it.
      world = await startLoadWorld(msg.n ?? 1, msg.salt ?? 0, process.env.BENCH_LOAD_DAVE !== '0');
      return world.info;
    case 'join':
      if (!world) throw new Error('start first');
      return world.join(msg.persona ?? 'captain-mara');
    case 'run': {
      if (!world) throw new Error('start first');
      const profile = process.env.BENCH_PROFILE_SIM;
      if (!profile) return world.run(msg.seconds ?? 10);
      // BENCH_PROFILE_SIM=file.cpuprofile: where the emulators spend the conversation window.
      const { Session } = await import('node:inspector/promises');
      const { writeFileSync } = await import('node:fs');
      const session = new Session();
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.start');
      const result = await world.run(msg.seconds ?? 10);
      const { profile: data } = await session.post('Profiler.stop');
      writeFileSync(profile, JSON.stringify(data));
      return result;
    }
    case 'close':
      await world?.close();
      return null;
    default:
      throw new Error(`unknown command ${msg.cmd}`);
  }
}

process.on('message', (msg: { cmd: string }) => {
  const done = (): void => {
    if (msg.cmd === 'close') process.exit(0);
  };
  handle(msg).then(
    (value) => process.send?.({ ok: true, value }, done),
    (err: unknown) =>
      process.send?.({ ok: false, error: err instanceof Error ? err.message : String(err) }, done),
  );
});
