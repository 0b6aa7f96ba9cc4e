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
