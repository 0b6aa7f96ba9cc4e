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
 * Creates the structured logger. Besides path-based redaction, every serialized line is scrubbed of
 * the secret values themselves, so a token that leaks into an error message is still never written.
 */
export function createLogger(opts: {
  level?: string;
  secrets?: readonly string[];
  destination?: { write(line: string): void };
}): pino.Logger {
  const secrets = opts.secrets ?? [];
  const target = opts.destination ?? process.stdout;
  const stream = { write: (line: string) => target.write(redactSecrets(line, secrets)) };
  return pino(
    {
      level: opts.level ?? 'info',
      redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
      base: { app: 'troupe' },
    },
    stream,
  );
}
