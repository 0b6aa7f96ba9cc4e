// Checks of this machine for `pnpm run doctor`: Node, the Opus backend, the DAVE library, the
// database, the metrics port and the built-in personas' voices.
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { BUILTIN_PERSONA_DIR } from '@troupe/discord';
import { checkOpusBackend } from '@troupe/opus';
import { checkVoiceId, loadPersonaDir } from '@troupe/realtime-core';
import { redactDatabaseUrl, type Store } from '@troupe/store';
import { openBotStore, StoreOpenError } from '../store-open.ts';
import { type Check, fail, ok, skip, warn } from './report.ts';

/** Node 24.17 is the oldest this code runs on (node:sqlite, import.meta.main, tls.setDefaultCACertificates). */
export const MIN_NODE = [24, 17] as const;

export function nodeCheck(version = process.versions.node): Check {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  const fits = major === MIN_NODE[0] ? minor >= MIN_NODE[1] : false;
  if (fits) return ok('Node', `${version} (Troupe runs on Node 24.${MIN_NODE[1]} or newer 24.x)`);
  return fail(
    'Node',
    `${version}, but Troupe needs Node 24 (24.${MIN_NODE[1]}+)`,
    'run through pnpm (`npx -y pnpm@10.34.9 doctor`): it uses the Node 24 from the `node` devDependency',
  );
}

export function opusCheck(): Check {
  try {
    const info = checkOpusBackend();
    return ok(
      'Opus',
      `${info.library} ${info.version} (${info.kind}), self-test ${info.snrDb.toFixed(1)} dB`,
    );
  } catch (err) {
    return fail(
      'Opus',
      (err as Error).message.split('. ')[0] ?? 'self-test failed',
      'reinstall dependencies (`pnpm install`); if the native build is broken here, set OPUS_FORCE_WASM=1',
    );
  }
}

/** @discordjs/voice loads @snazzah/davey for Discord's end-to-end encrypted voice (DAVE). */
export function daveCheck(): Check {
  try {
    const voicePath = createRequire(import.meta.url).resolve('@discordjs/voice');
    const davey = createRequire(voicePath)('@snazzah/davey') as {
      DAVE_PROTOCOL_VERSION?: number;
      VERSION?: string;
    };
    if (typeof davey.DAVE_PROTOCOL_VERSION !== 'number')
      throw new Error('it exports no DAVE_PROTOCOL_VERSION');
    return ok(
      'DAVE',
      `@snazzah/davey ${davey.VERSION ?? '?'} loads (DAVE protocol version ${davey.DAVE_PROTOCOL_VERSION})`,
    );
  } catch (err) {
    return fail(
      'DAVE',
      `@snazzah/davey does not load (${(err as Error).message.split('\n')[0]}); Discord ends voice without it (close 4017) where E2EE is required`,
      'reinstall dependencies (`pnpm install`) on this machine so its prebuilt binary for this platform is fetched',
    );
  }
}

/**
 * Opens (creating if missing, and migrating) the database the bot would use: the SQLite file
 * (read-only is a failure) or PostgreSQL (unreachable, refused login, missing database: each with
 * its fix). With PostgreSQL it also says how many voice sessions other hosts hold right now.
 */
export async function databaseCheck(config: {
  databaseUrl: string | undefined;
  dbPath: string;
}): Promise<{ check: Check; store: Store | undefined }> {
  let store: Store;
  try {
    store = await openBotStore(config);
  } catch (err) {
    if (err instanceof StoreOpenError)
      return { check: fail('Database', err.detail, err.fix), store: undefined };
    return {
      check: fail('Database', (err as Error).message, 'check TROUPE_DB_PATH or DATABASE_URL'),
      store: undefined,
    };
  }
  const version = await store.schemaVersion();
  if (store.backend === 'sqlite')
    return { check: ok('Database', `${config.dbPath} is writable (schema v${version})`), store };
  const sessions = await store.listVoiceSessions();
  const now = Date.now();
  const live = sessions.filter((s) => s.ownerHostId && (s.leaseExpiresAt ?? 0) > now);
  const hosts = [...new Set(live.map((s) => s.ownerHostId))];
  return {
    check: ok(
      'Database',
      `PostgreSQL ${redactDatabaseUrl(config.databaseUrl ?? '')} (schema v${version}): ${live.length} voice session${live.length === 1 ? '' : 's'} running${hosts.length ? ` on ${hosts.join(', ')}` : ''}`,
    ),
    store,
  };
}

export async function metricsPortCheck(port: number | undefined, host = '127.0.0.1'): Promise<Check> {
  if (port === undefined) return skip('Metrics', 'METRICS_PORT is not set: no Prometheus endpoint');
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (err: NodeJS.ErrnoException) => {
      const why =
        err.code === 'EADDRINUSE' ? 'is already in use' : `cannot be opened (${err.code ?? err.message})`;
      resolve(
        fail(
          'Metrics',
          `port ${port} on ${host} ${why}`,
          err.code === 'EACCES'
            ? 'use a port above 1023, or unset METRICS_PORT'
            : 'stop whatever listens there (e.g. `ss -ltnp`) or choose another METRICS_PORT',
        ),
      );
    });
    server.listen(port, host, () =>
      server.close(() => resolve(ok('Metrics', `port ${port} on ${host} is free`))),
    );
  });
}

/** Built-in personas load, and their voices are StepFun voice ids (a typo only shows at /join). */
export async function personaCheck(
  dir = BUILTIN_PERSONA_DIR,
): Promise<{ check: Check; defaultVoice: string | undefined }> {
  const { personas, errors } = await loadPersonaDir(dir);
  if (errors.length)
    return {
      check: fail('Personas', errors.map((e) => e.message).join('; '), 'fix the file as the message says'),
      defaultVoice: personas[0]?.voice,
    };
  const odd = personas.flatMap((p) => {
    const v = checkVoiceId(p.voice);
    return v.known
      ? []
      : [`${p.id}: voice "${p.voice}"${v.closest ? ` (did you mean "${v.closest}"?)` : ''}`];
  });
  const check = odd.length
    ? warn(
        'Personas',
        `unknown voice ids: ${odd.join('; ')}`,
        'fix the spelling, unless it is a cloned voice of your StepFun account',
      )
    : ok(
        'Personas',
        `${personas.length} built-in personas, voices ${[...new Set(personas.map((p) => p.voice))].join(', ')}`,
      );
  return { check, defaultVoice: personas[0]?.voice };
}
