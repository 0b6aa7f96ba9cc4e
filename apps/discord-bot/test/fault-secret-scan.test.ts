// The secret scan must be able to fail: planted secrets, in every form it claims to catch, are
// found by the library, by the CLI (exit code 1) and through the real capture path (a bot on
// discord-sim that leaks its key into a reply).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CAPTURE_DIR_ENV, createLogger, withTestCapture } from '@troupe/discord';
import { FakeVoice } from '@troupe/discord/testing';
import { afterAll, describe, expect, it } from 'vitest';
import {
  formatReport,
  MIN_SECRET_LENGTH,
  scanCapture,
  scanText,
  scanUrlTokens,
} from '../../../scripts/secret-scan.ts';
import { FAULT_API_KEY, startFaultWorld } from './e2e/fault-world.ts';

const SECRET = 'tok.Abc-123_xyz.SECRET-value';
const secrets = [{ label: 'planted token', value: SECRET }];
const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'troupe-scan-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('secret scan', () => {
  it('finds a secret raw, base64 at any offset, base64url and percent-encoded', () => {
    const planted = [
      `plain ${SECRET} text`,
      `Authorization: Basic ${Buffer.from(`user:${SECRET}`).toString('base64')}`,
      `x=${Buffer.from(`a${SECRET}`).toString('base64')}`,
      `x=${Buffer.from(`ab${SECRET}`).toString('base64')}`,
      `jwt.${Buffer.from(`??${SECRET}`).toString('base64url')}`,
      `https://x/?k=${encodeURIComponent(`q ${SECRET}`)}`,
    ];
    for (const text of planted) expect(scanText(text, secrets), text).not.toEqual([]);
    expect(scanText('nothing to see, [REDACTED] here', secrets)).toEqual([]);
    expect(scanText('short abc', [{ label: 'short', value: 'abc' }])).toEqual([]);
    expect(MIN_SECRET_LENGTH).toBe(8);
  });

  it('finds webhook and interaction tokens in Discord URLs, whoever issued them', () => {
    const token = 'Zq3_x-Y9wHk2mPq8sVn4LtR7cBd1fGh5jKl0aSe6uIo3pXz9yWv2tNr8mQ4bC7dE1fG2h';
    for (const text of [
      `"url":"https://discord.com/api/v10/webhooks/123456789012345678/${token}?wait=true"`,
      `POST /interactions/123456789012345678/${token}/callback`,
      `PATCH /webhooks/900000000000000001/${token}/messages/@original`,
    ])
      expect(scanUrlTokens(text), text).toHaveLength(1);
    for (const text of [
      '"url":"https://discord.com/api/v10/webhooks/123456789012345678/[REDACTED]?wait=true"',
      'POST /webhooks/123456789012345678/:token',
      'GET /channels/123456789012345678/webhooks',
    ])
      expect(scanUrlTokens(text), text).toEqual([]);
  });

  it('reports file and line without printing the value', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'run.secrets'), JSON.stringify(secrets));
    writeFileSync(join(dir, 'bot.log'), `ok\nok\nleak ${SECRET}\n`);
    writeFileSync(join(dir, 'clean.log'), 'nothing\n');
    const report = scanCapture(dir);
    expect(report).toMatchObject({
      files: 2,
      secrets: 1,
      findings: [{ line: 3, label: 'planted token', form: 'raw' }],
    });
    const text = formatReport(report, dir);
    expect(text).toContain('bot.log:3: planted token (raw)');
    expect(text).not.toContain(SECRET);
  });

  it('CLI: exit 1 on a leak or an empty capture with --require-capture, 0 when clean', () => {
    const script = resolve(import.meta.dirname, '../../../scripts/secret-scan.ts');
    const run = (dir: string) =>
      spawnSync(process.execPath, [script, '--dir', dir, '--require-capture'], { encoding: 'utf8' });
    const leaky = tempDir();
    writeFileSync(join(leaky, 'a.secrets'), JSON.stringify(secrets));
    writeFileSync(join(leaky, 'out.txt'), Buffer.from(SECRET).toString('base64'));
    const leak = run(leaky);
    expect(leak.status).toBe(1);
    expect(leak.stdout).toMatch(/1 LEAK\(S\)/);
    expect(leak.stdout + leak.stderr).not.toContain(SECRET);
    const clean = tempDir();
    writeFileSync(join(clean, 'a.secrets'), JSON.stringify(secrets));
    writeFileSync(join(clean, 'out.txt'), 'fine');
    expect(run(clean).status).toBe(0);
    const empty = tempDir();
    const none = run(empty);
    expect(none.status).toBe(1);
    expect(none.stderr).toMatch(/no secrets were captured/);
  });

  it('captures bot logs only against a loopback Discord, redacted like production', () => {
    const dir = tempDir();
    const lines: string[] = [];
    const inner = createLogger({ destination: { write: (l) => lines.push(l) } });
    const remote = withTestCapture(
      inner,
      { secrets: [SECRET], discordApiUrl: 'https://discord.com/api' },
      {
        [CAPTURE_DIR_ENV]: dir,
      },
    );
    expect(remote).toBe(inner);
    const log = withTestCapture(
      inner,
      { secrets: [SECRET], discordApiUrl: 'http://127.0.0.1:9/api' },
      {
        [CAPTURE_DIR_ENV]: dir,
      },
    );
    log.child({ component: 'x' }).warn({ apiKey: SECRET }, `oops ${SECRET}`);
    expect(lines).toHaveLength(1);
    const files = readdirSync(dir);
    const logFile = files.find((f) => f.endsWith('.log'))!;
    expect(readFileSync(join(dir, logFile), 'utf8')).toMatch(/"component":"x".*\[REDACTED\]/);
    expect(scanCapture(dir).findings).toEqual([]);
  });

  it('catches a leak that goes through the real bot and discord-sim', async () => {
    // A card named with the base64 of the API key: the bot echoes the name in its reply, which
    // discord-sim captures. (Its own directory: the suite's capture must stay clean.)
    const dir = tempDir();
    mkdirSync(dir, { recursive: true });
    const previous = process.env[CAPTURE_DIR_ENV];
    process.env[CAPTURE_DIR_ENV] = dir;
    try {
      const w = await startFaultWorld({ guilds: 1, createVoice: () => new FakeVoice() });
      try {
        const name = Buffer.from(`k:${FAULT_API_KEY}`).toString('base64');
        const bytes = Buffer.from(JSON.stringify({ spec: 'chara_card_v2', data: { name } }));
        const h = await w.discord.slash({ user: 'Admin', guild: w.guilds[0]!.id }, 'persona', {
          subcommand: 'import',
          attachments: {
            card: w.discord.attachment('c.json', bytes, 'application/json'),
          },
        });
        await h.edited(1, 15_000);
        expect(h.content).toContain('Imported');
      } finally {
        await w.close();
      }
    } finally {
      if (previous === undefined) delete process.env[CAPTURE_DIR_ENV];
      else process.env[CAPTURE_DIR_ENV] = previous;
    }
    const report = scanCapture(dir);
    // The bot's token and API key (the sim's token is the same bot token) and the interaction token.
    expect(report.secrets).toBe(3);
    expect(report.findings.length).toBeGreaterThan(0);
    expect(
      report.findings.every((f) => f.label.startsWith('bot config secret') && f.form.startsWith('base64')),
    ).toBe(true);
    expect(report.findings.some((f) => f.file.includes('discord-sim-'))).toBe(true);
  });

  it('knows the webhook and interaction tokens the emulator issued: a leaked one is found', async () => {
    const dir = tempDir();
    const previous = process.env[CAPTURE_DIR_ENV];
    process.env[CAPTURE_DIR_ENV] = dir;
    let interactionToken = '';
    let webhookToken = '';
    try {
      const w = await startFaultWorld({ guilds: 1, createVoice: () => new FakeVoice() });
      try {
        const g = w.guilds[0]!;
        const enable = await w.discord.slash({ user: 'Admin', guild: g.id }, 'settings', {
          subcommand: 'transcripts',
          options: { enabled: true, channel: g.textId },
        });
        await enable.edited(1, 15_000);
        interactionToken = enable.token;
        w.bot.transcripts.add({ guildId: g.id, voiceChannelId: g.voiceId, author: 'Ann', text: 'hello' });
        await w.bot.transcripts.flush();
        webhookToken = [...w.discord.webhooks.values()][0]?.token ?? '';
      } finally {
        await w.close();
      }
    } finally {
      if (previous === undefined) delete process.env[CAPTURE_DIR_ENV];
      else process.env[CAPTURE_DIR_ENV] = previous;
    }
    expect(webhookToken.length).toBeGreaterThan(20);
    // Everything the bot and the emulator wrote is clean (URLs in the request log included).
    expect(scanCapture(dir).findings).toEqual([]);
    writeFileSync(join(dir, 'leak.log'), `interaction ${interactionToken}\nwebhook ${webhookToken}\n`);
    const labels = scanCapture(dir).findings.map((f) => f.label);
    expect(labels.sort()).toEqual([
      expect.stringMatching(/^discord-sim interaction token/),
      expect.stringMatching(/^discord-sim webhook token/),
    ]);
  });
});
