// `pnpm run doctor` in CI, offline: the real script in a child process, against the emulators
// where it can (discord-sim for Discord, realtime-sim for StepFun) and against closed local ports
// where there is "no network". Each line it prints is checked.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer, type Server as NetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { makeReadOnly } from '@troupe/discord/testing';
import { type DiscordSim, startDiscordSim } from '@troupe/discord-sim';
import { type RealtimeSim, startRealtimeSim } from '@troupe/realtime-sim';
import { openStore } from '@troupe/store';
import { PermissionFlagsBits } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const APP_ID = '930000000000000001';
const TOKEN = 'OTMwMDAwMDAwMDAwMDAwMDAx.doctor-sim.dG9rZW4tZm9yLWRvY3Rvci10ZXN0cw';
const KEY = 'sk-doctor-sim-0123456789';
const MAIN = resolve(import.meta.dirname, '../../src/doctor/main.ts');

let discord: DiscordSim;
let realtime: RealtimeSim;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'troupe-doctor-'));
  realtime = await startRealtimeSim({ apiKey: KEY });
  discord = await startDiscordSim({
    applicationId: APP_ID,
    token: TOKEN,
    botUsername: 'troupe-doctor',
    users: [{ username: 'Owner' }],
    guilds: [
      {
        name: 'Tavern',
        channels: [
          { name: 'general', type: 'text' },
          { name: 'Hearth', type: 'voice' },
        ],
        members: [{ user: 'Owner' }],
      },
      {
        name: 'Library',
        channels: [
          { name: 'Reading Room', type: 'voice' },
          {
            name: 'Quiet Room',
            type: 'voice',
            overwrites: [{ target: 'bot', deny: PermissionFlagsBits.Speak }],
          },
        ],
        members: [{ user: 'Owner' }],
      },
    ],
  });
}, 30_000);
afterAll(async () => {
  await discord?.close();
  await realtime?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs the doctor with only `env` (no .env file); resolves with its exit code and lines. */
function doctor(env: Record<string, string>): Promise<{ code: number | null; lines: string[] }> {
  return new Promise((done, reject) => {
    const child = spawn(process.execPath, [MAIN], {
      env: { PATH: process.env.PATH ?? '', TROUPE_ENV_FILE: 'none', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('exit', (code) => done({ code, lines: out.trim().split('\n') }));
  });
}

const line = (lines: string[], name: string) =>
  lines.find((l) => l.slice(2).startsWith(name)) ?? `(no ${name} line)`;

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

const good = () => ({
  DISCORD_TOKEN: TOKEN,
  DISCORD_APP_ID: APP_ID,
  DISCORD_API_URL: discord.restApi,
  STEPFUN_API_KEY: KEY,
  STEPFUN_REALTIME_URL: realtime.url,
  TROUPE_DB_PATH: join(dir, 'good', 'troupe.sqlite'),
});

describe('pnpm run doctor (offline, against the emulators)', () => {
  it('passes a good setup, one line per check, and warns about a channel the bot cannot speak in', async () => {
    const port = await freePort();
    const { code, lines } = await doctor({ ...good(), METRICS_PORT: String(port) });
    expect(lines[0]).toMatch(/^Troupe doctor/);
    expect(line(lines, 'Node')).toMatch(/^✔ Node +24\.\d+\.\d+/);
    expect(line(lines, 'Opus')).toMatch(/^✔ Opus +@evan\/opus .* self-test \d+\.\d dB/);
    expect(line(lines, 'DAVE')).toMatch(/^✔ DAVE +@snazzah\/davey .* loads \(DAVE protocol version \d+\)/);
    expect(line(lines, 'Personas')).toMatch(/^✔ Personas +3 built-in personas/);
    expect(line(lines, 'Database')).toMatch(/^✔ Database +.*troupe\.sqlite is writable/);
    expect(line(lines, 'Metrics')).toBe(`✔ Metrics        port ${port} on 127.0.0.1 is free`);
    expect(line(lines, 'Discord token')).toMatch(
      /^✔ Discord token +valid: logged in as troupe-doctor \(930000000000000001\)/,
    );
    expect(line(lines, 'Application')).toMatch(/^✔ Application +DISCORD_APP_ID matches the token/);
    expect(line(lines, 'Gateway')).toMatch(/^✔ Gateway +\d+ of \d+ logins left today/);
    expect(line(lines, 'Intents')).toMatch(/^✔ Intents +Guilds \+ GuildVoiceStates only/);
    expect(line(lines, 'Server "Tavern"')).toMatch(
      /can view, connect, speak and post notices in all 1 voice channels/,
    );
    expect(line(lines, 'Server "Library"')).toMatch(
      /^! Server "Library" +usable in 1 of 2 voice channels; not in #Quiet Room \(missing Speak\)\. — fix: /,
    );
    expect(line(lines, 'StepFun')).toMatch(
      /^✔ StepFun +127\.0\.0\.1:\d+: model stepaudio-2\.5-realtime accepted the key and voice linjiajiejie \(trace /,
    );
    expect(lines.at(-1)).toMatch(/^doctor: 12 ok, 1 warning, 0 failed\./);
    expect(code).toBe(0);
    expect(lines.join('\n')).not.toContain(TOKEN);
    expect(lines.join('\n')).not.toContain(KEY);
  }, 60_000);

  it('fails with a fix for a rejected token and key, a busy metrics port and a read-only database', async () => {
    const rejecting: Server = createHttpServer((_req, res) => {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: '401: Unauthorized', code: 0 }));
    });
    await new Promise<void>((r) => rejecting.listen(0, '127.0.0.1', r));
    const busy: NetServer = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    const dbPath = join(dir, 'ro', 'troupe.sqlite');
    await (await openStore({ sqlitePath: dbPath })).close();
    const undo = makeReadOnly(dbPath);
    try {
      const { code, lines } = await doctor({
        ...good(),
        DISCORD_API_URL: `http://127.0.0.1:${(rejecting.address() as { port: number }).port}/api`,
        STEPFUN_API_KEY: 'sk-wrong-key-000',
        METRICS_PORT: String((busy.address() as { port: number }).port),
        TROUPE_DB_PATH: dbPath,
      });
      expect(line(lines, 'Database')).toMatch(
        /^✘ Database +database .* is read-only .* — fix: make the file and its folder writable/,
      );
      expect(line(lines, 'Metrics')).toMatch(
        /^✘ Metrics +port \d+ on 127\.0\.0\.1 is already in use — fix: stop whatever listens there/,
      );
      expect(line(lines, 'Discord token')).toBe(
        '✘ Discord token  Discord rejected DISCORD_TOKEN (401 Unauthorized) — fix: copy the token again (Developer Portal → your app → Bot → Reset Token) into .env; it is the Bot token, not the client secret or public key',
      );
      expect(line(lines, 'StepFun')).toMatch(
        /^✘ StepFun +127\.0\.0\.1:\d+: The realtime server rejected the API key \(HTTP 401 .*\)\. — fix: create or copy a key at https:\/\/platform\.stepfun\.com .* set STEPFUN_API_KEY in \.env$/,
      );
      expect(lines.at(-1)).toMatch(/^doctor: \d+ ok, 0 warnings, 4 failed/);
      expect(code).toBe(1);
    } finally {
      undo();
      rejecting.close();
      busy.close();
    }
  }, 60_000);

  it('names the models StepFun lists when the model is refused', async () => {
    const { code, lines } = await doctor({ ...good(), STEPFUN_MODEL: 'stepaudio-9-realtime' });
    expect(line(lines, 'StepFun')).toMatch(
      /^✘ StepFun +127\.0\.0\.1:\d+: The realtime server refused model "stepaudio-9-realtime".*The provider lists: stepaudio-2\.5-realtime.* — fix: set STEPFUN_MODEL to one of them/,
    );
    expect(code).toBe(1);
  }, 60_000);

  it('says "cannot reach" without network instead of hanging', async () => {
    const closed = await freePort();
    const { code, lines } = await doctor({
      ...good(),
      DISCORD_API_URL: `http://127.0.0.1:${closed}/api`,
      STEPFUN_REALTIME_URL: `ws://127.0.0.1:${closed}/v1/realtime`,
    });
    expect(line(lines, 'Discord')).toMatch(
      new RegExp(
        `^✘ Discord +cannot reach 127\\.0\\.0\\.1:${closed} \\(ECONNREFUSED\\); the other Discord checks were skipped — fix: check this machine’s network`,
      ),
    );
    expect(line(lines, 'StepFun')).toMatch(
      new RegExp(`^✘ StepFun +cannot reach 127\\.0\\.0\\.1:${closed} \\(ECONNREFUSED\\) — fix: `),
    );
    expect(line(lines, 'Node')).toMatch(/^✔/);
    expect(code).toBe(1);
  }, 60_000);
});
