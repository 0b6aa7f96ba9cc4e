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

/**
 * Secrets the sim handed out besides the bot token: each webhook's token and each interaction's
 * token. Whoever holds one can post as the webhook (or answer the interaction for 15 minutes),
 * so they must not reach logs or messages either.
 */
export interface IssuedSecrets {
  webhookTokens: readonly string[];
  interactionTokens: readonly string[];
}

export function writeCapture(
  token: string,
  requests: readonly RestRecord[],
  messages: readonly SimMessage[],
  issued: IssuedSecrets = { webhookTokens: [], interactionTokens: [] },
  env: Record<string, string | undefined> = process.env,
): void {
  const dir = env[CAPTURE_DIR_ENV];
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  const base = join(dir, `discord-sim-${process.pid}-${Date.now()}-${randomBytes(3).toString('hex')}`);
  const secrets = [
    { label: 'discord-sim bot token', value: token },
    ...issued.webhookTokens.map((value, n) => ({ label: `discord-sim webhook token #${n + 1}`, value })),
    ...issued.interactionTokens.map((value, n) => ({
      label: `discord-sim interaction token #${n + 1}`,
      value,
    })),
  ];
  writeFileSync(`${base}.secrets`, JSON.stringify(secrets));
  // The tokens travel in the URL of the requests that use them (that is how Discord's API works):
  // the request log names them by position, so the scan finds only real leaks.
  const pathTokens = [...issued.webhookTokens, ...issued.interactionTokens];
  const safePath = (path: string) => {
    let out = path;
    for (const t of pathTokens) if (out.includes(t)) out = out.split(t).join(':token');
    return out;
  };
  const lines = [
    ...requests.map((r) =>
      JSON.stringify({ rest: `${r.method} ${safePath(r.path)}`, status: r.status, body: r.body }),
    ),
    ...messages.map((m) => JSON.stringify({ message: m.channelId, via: m.via, body: m.body })),
  ];
  writeFileSync(`${base}.jsonl`, `${lines.join('\n')}\n`);
}
