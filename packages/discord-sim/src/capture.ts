// Test-only capture for the bot suite's secret scan (scripts/secret-scan.ts at the repo root):
// with TROUPE_TEST_CAPTURE_DIR set, a closing sim writes everything the bot sent it over REST
// (replies, edits, messages, transcripts) and notes its own token, so the scan can check that
// no token or key ever reached a user-visible place. The token is the sim's own fake one.
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SimMessage } from './rest/context.ts';
import type { RestRecord } from './rest/rest-server.ts';

export const CAPTURE_DIR_ENV = 'TROUPE_TEST_CAPTURE_DIR';

export function writeCapture(
  token: string,
  requests: readonly RestRecord[],
  messages: readonly SimMessage[],
  env: Record<string, string | undefined> = process.env,
): void {
  const dir = env[CAPTURE_DIR_ENV];
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  const base = join(dir, `discord-sim-${process.pid}-${Date.now()}-${randomBytes(3).toString('hex')}`);
  writeFileSync(`${base}.secrets`, JSON.stringify([{ label: 'discord-sim bot token', value: token }]));
  const lines = [
    ...requests.map((r) => JSON.stringify({ rest: `${r.method} ${r.path}`, status: r.status, body: r.body })),
    ...messages.map((m) => JSON.stringify({ message: m.channelId, via: m.via, body: m.body })),
  ];
  writeFileSync(`${base}.jsonl`, `${lines.join('\n')}\n`);
}
