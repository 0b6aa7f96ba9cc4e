// Start-up failures say what is wrong and how to fix it in one line on stderr, and exit 1: the real
// `pnpm start` (src/main.ts) and `pnpm deploy-commands` in child processes.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { makeReadOnly } from '@troupe/discord/testing';
import { type RealtimeSim, startRealtimeSim } from '@troupe/realtime-sim';
import { openStore } from '@troupe/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '../src');
const TOKEN = 'OTQwMDAwMDAwMDAwMDAwMDAx.startup.dGVzdC1vbmx5LXRva2Vu';

const KEY = 'sk-startup-test-0000';
let dir: string;
let realtime: RealtimeSim;
let discord401: Server;
let api: string;
const seen: string[] = [];
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'troupe-startup-'));
  // The bot checks its StepFun key before logging in: a local model that accepts it keeps the
  // test about Discord, with or without network.
  realtime = await startRealtimeSim({ apiKey: KEY });
  // Answers every request as Discord does for a wrong token.
  discord401 = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    req.resume();
    res.writeHead(401, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ message: '401: Unauthorized', code: 0 }));
  });
  await new Promise<void>((r) => discord401.listen(0, '127.0.0.1', r));
  api = `http://127.0.0.1:${(discord401.address() as { port: number }).port}/api`;
});
afterAll(async () => {
  await new Promise((r) => discord401.close(r));
  await realtime.close();
  rmSync(dir, { recursive: true, force: true });
});

function run(
  script: string,
  env: Record<string, string>,
): Promise<{ code: number | null; stderr: string[] }> {
  return new Promise((done, reject) => {
    const child = spawn(process.execPath, [join(SRC, script)], {
      env: {
        PATH: process.env.PATH ?? '',
        TROUPE_ENV_FILE: 'none',
        LOG_LEVEL: 'silent',
        DISCORD_TOKEN: TOKEN,
        DISCORD_APP_ID: '940000000000000001',
        STEPFUN_API_KEY: KEY,
        STEPFUN_REALTIME_URL: realtime.url,
        DISCORD_API_URL: api,
        ...env,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('exit', (code) => done({ code, stderr: err.trimEnd().split('\n') }));
  });
}

describe('start-up failures: one line with the fix, exit 1', () => {
  it('a read-only database is refused at start, not at the first write', async () => {
    const path = join(dir, 'ro.sqlite');
    await (await openStore({ sqlitePath: path })).close();
    const undo = makeReadOnly(path);
    try {
      const r = await run('main.ts', { TROUPE_DB_PATH: path });
      expect(r.stderr).toEqual([
        `troupe: database ${path} is read-only (attempt to write a readonly database) — fix: make the file and its folder writable by the user running the bot (chown/chmod, or mount the volume read-write), or point TROUPE_DB_PATH elsewhere`,
      ]);
      expect(r.code).toBe(1);
    } finally {
      undo();
    }
  });

  it('a database path that cannot be created is refused with the reason', async () => {
    writeFileSync(join(dir, 'a-file'), 'x');
    const path = join(dir, 'a-file', 'troupe.sqlite');
    const r = await run('main.ts', { TROUPE_DB_PATH: path });
    expect(r.stderr).toHaveLength(1);
    expect(r.stderr[0]).toMatch(
      new RegExp(
        `^troupe: database ${path} cannot be opened \\((ENOTDIR|EEXIST): .*\\) — fix: set TROUPE_DB_PATH to a file in a folder the bot can write`,
      ),
    );
    expect(r.code).toBe(1);
  });

  it('a bad Discord token (401 at login) says to copy the bot token again', async () => {
    const r = await run('main.ts', { TROUPE_DB_PATH: join(dir, 'login.sqlite') });
    expect(r.stderr).toEqual([
      'troupe: Discord rejected DISCORD_TOKEN at login (401 Unauthorized) — fix: copy the token again (Developer Portal → your app → Bot → Reset Token) into DISCORD_TOKEN in .env; it is the Bot token, not the client secret or the public key',
    ]);
    expect(r.code).toBe(1);
    expect(seen).toContain('GET /api/v10/gateway/bot');
  });

  it('deploy-commands answering "401: Unauthorized" says the same, for registration', async () => {
    const r = await run('deploy-commands.ts', { DISCORD_GUILD_ID: '940000000000000100' });
    expect(r.stderr).toEqual([
      'troupe: Discord rejected DISCORD_TOKEN while registering commands (401 Unauthorized) — fix: copy the token again (Developer Portal → your app → Bot → Reset Token) into DISCORD_TOKEN in .env; it is the Bot token, not the client secret or the public key',
    ]);
    expect(r.code).toBe(1);
    expect(seen).toContain('PUT /api/v10/applications/940000000000000001/guilds/940000000000000100/commands');
  });
});
