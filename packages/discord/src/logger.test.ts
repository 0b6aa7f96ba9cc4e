import { describe, expect, it } from 'vitest';
import { createLogger, redactSecrets } from './logger.ts';

describe('logger redaction', () => {
  it('never writes a secret, by path or by value', () => {
    const secret = 'sk-live-very-secret-value';
    const lines: string[] = [];
    const log = createLogger({
      level: 'debug',
      secrets: [secret],
      destination: { write: (l) => lines.push(l) },
    });
    log.info(
      { apiKey: secret, realtime: { apiKey: secret }, headers: { authorization: `Bearer ${secret}` } },
      'connect',
    );
    log.error({ err: new Error(`401 for key ${secret}`) }, `failed with ${secret}`);
    const out = lines.join('');
    expect(lines).toHaveLength(2);
    expect(out).not.toContain(secret);
    expect(out).toContain('[REDACTED]');
  });

  it('never writes the token of a webhook or interaction URL (as discord.js errors carry them)', () => {
    const lines: string[] = [];
    const log = createLogger({ destination: { write: (l) => lines.push(l) } });
    const hook = 'Zq3_x-Y9wHk2mPq8sVn4LtR7cBd1fGh5jKl0aSe6uIo3pXz9yWv2tNr8mQ4bC7dE1fG2h';
    const itoken = 'aW50ZXJhY3Rpb246MTIzNDU2Nzg5MDpzZWNyZXQtdG9rZW4tdmFsdWU';
    const err = Object.assign(new Error('Unknown Webhook'), {
      url: `https://discord.com/api/v10/webhooks/123456789012345678/${hook}?wait=true`,
    });
    log.warn({ err }, 'transcript post failed');
    log.error(
      {
        url: `https://discord.com/api/v10/interactions/987654321098765432/${itoken}/callback`,
        edit: `/webhooks/111111111111111111/${itoken}/messages/@original`,
      },
      `failed: POST /webhooks/123456789012345678/${hook}`,
    );
    const out = lines.join('');
    for (const token of [hook, itoken]) expect(out).not.toContain(token);
    expect(out).toContain('/webhooks/123456789012345678/[REDACTED]?wait=true');
    expect(out).toContain('/interactions/987654321098765432/[REDACTED]/callback');
    expect(out).toContain('/webhooks/111111111111111111/[REDACTED]/messages/@original');
  });

  it('redactSecrets ignores very short values', () => {
    expect(redactSecrets('abc token abc', ['abc'])).toBe('abc token abc');
    expect(redactSecrets('x secret1 y', ['secret1'])).toBe('x [REDACTED] y');
  });
});

describe('source hygiene', () => {
  it('no source file passes a token, key or the whole config to a log call', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (p.endsWith('.ts') && !p.endsWith('.test.ts')) {
          const lines = readFileSync(p, 'utf8').split('\n');
          lines.forEach((line, n) => {
            if (
              /(logger|log|console)\.\w+\(.*\b(discordToken|stepfunApiKey|apiKey|secrets|config)\b/.test(line)
            ) {
              offenders.push(`${p}:${n + 1}: ${line.trim()}`);
            }
          });
        }
      }
    };
    walk(join(import.meta.dirname));
    expect(offenders).toEqual([]);
  });
});
