import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';

/** Object paths pino censors wherever they appear in a log record. */
export const REDACT_PATHS = [
  'token',
  'apiKey',
  'authorization',
  'password',
  '*.token',
  '*.apiKey',
  '*.authorization',
  '*.headers.authorization',
  'config.discordToken',
  'config.stepfunApiKey',
  'config.secrets',
  'realtime.apiKey',
];

/** Replaces every occurrence of each secret in `text` with `[REDACTED]`. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join('[REDACTED]');
  return out;
}

/**
 * Discord URLs that carry a token in their path: a webhook's (`/webhooks/{id}/{token}`, which also
 * serves interaction replies as `/webhooks/{app id}/{interaction token}/...`) and an interaction
 * callback (`/interactions/{id}/{token}/callback`). Whoever has the token can post as the webhook
 * or answer for the bot, and discord.js puts these URLs in its errors.
 */
const URL_TOKENS = /(\/(?:webhooks|interactions)\/\d+\/)[^/?#\s"'\\]+/g;

/** Replaces the token in every webhook or interaction URL in `text` with `[REDACTED]`. */
export function redactUrlTokens(text: string): string {
  return text.replace(URL_TOKENS, '$1[REDACTED]');
}

/**
 * Creates the structured logger. Besides path-based redaction, every serialized line is scrubbed of
 * the secret values themselves, so a token that leaks into an error message is still never written,
 * and of the tokens inside webhook and interaction URLs, which no configured secret can list.
 */
export function createLogger(opts: {
  level?: string;
  secrets?: readonly string[];
  destination?: { write(line: string): void };
}): pino.Logger {
  const secrets = opts.secrets ?? [];
  const target = opts.destination ?? process.stdout;
  const stream = { write: (line: string) => target.write(redactUrlTokens(redactSecrets(line, secrets))) };
  return pino(
    {
      level: opts.level ?? 'info',
      redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
      base: { app: 'troupe' },
    },
    stream,
  );
}

/** Environment variable naming the secret-scan capture directory (tests only; see scripts/secret-scan.ts). */
export const CAPTURE_DIR_ENV = 'TROUPE_TEST_CAPTURE_DIR';

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;

/** A logger that sends every call to both `a` and `b` (children too). */
export function teeLogger(a: pino.Logger, b: pino.Logger): pino.Logger {
  const out = Object.create(a) as pino.Logger & Record<string, unknown>;
  for (const level of LEVELS) {
    out[level] = (...args: unknown[]) => {
      (a[level] as (...x: unknown[]) => void).apply(a, args);
      (b[level] as (...x: unknown[]) => void).apply(b, args);
    };
  }
  out.child = ((bindings: pino.Bindings, options?: pino.ChildLoggerOptions) =>
    teeLogger(a.child(bindings, options), b.child(bindings, options))) as unknown as pino.Logger['child'];
  return out;
}

function isLoopbackUrl(url: string | undefined): boolean {
  if (!url) return false;
  try {
    return ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(url).hostname);
  } catch {
    return false;
  }
}

let captureCounter = 0;

/**
 * Test-only: with `TROUPE_TEST_CAPTURE_DIR` set, every line the bot logs is also written, after the
 * same redaction production applies, to a file in that directory, and the secret values are noted
 * next to it, so the suite-wide secret scan (scripts/secret-scan.ts) can grep everything the bot
 * wrote for them, whatever logger a test injected. Only when the bot talks to a Discord on a
 * loopback address (an emulator): a real token is never written anywhere.
 */
export function withTestCapture(
  logger: pino.Logger,
  o: { secrets: readonly string[]; discordApiUrl: string | undefined },
  env: Record<string, string | undefined> = process.env,
): pino.Logger {
  const dir = env[CAPTURE_DIR_ENV];
  if (!dir || !isLoopbackUrl(o.discordApiUrl)) return logger;
  mkdirSync(dir, { recursive: true });
  const base = join(dir, `bot-${process.pid}-${++captureCounter}-${randomBytes(3).toString('hex')}`);
  writeFileSync(
    `${base}.secrets`,
    JSON.stringify(o.secrets.map((value, n) => ({ label: `bot config secret #${n + 1}`, value }))),
  );
  const capture = createLogger({
    level: 'trace',
    secrets: o.secrets,
    destination: { write: (line) => appendFileSync(`${base}.log`, line) },
  });
  return teeLogger(logger, capture);
}
