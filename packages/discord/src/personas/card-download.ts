// Downloads a character card under the destination policy of card-source-policy.ts: each URL
// (first and every redirect) is checked, its host resolved, every address checked, and the
// connection made to the address that was checked (a second DNS answer cannot swap in another).
// The size Discord reports is checked before, but the body is counted while it streams: a body
// longer than announced (or endless) is cut off at the cap instead of being buffered whole.
import { lookup as dnsLookup } from 'node:dns/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import {
  CardSourceError,
  type CardSourcePolicy,
  checkCardUrl,
  checkResolved,
  DEFAULT_CARD_SOURCE_POLICY,
} from './card-source-policy.ts';

/** The body grew past the cap. */
export class CardTooLargeError extends Error {
  readonly maxBytes: number;
  constructor(maxBytes: number) {
    super(`the download exceeded ${maxBytes} bytes`);
    this.maxBytes = maxBytes;
    this.name = 'CardTooLargeError';
  }
}

/** Resolves a host name to every address it has (the default is the system resolver). */
export type ResolveHost = (host: string) => Promise<{ address: string; family: number }[]>;

const systemResolve: ResolveHost = (host) => dnsLookup(host, { all: true, verbatim: true });

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** Returns `download(url, maxBytes)` bound to `policy`. */
export function createCardDownloader(
  policy: Partial<CardSourcePolicy> = {},
  resolve: ResolveHost = systemResolve,
): (url: string, maxBytes: number) => Promise<Uint8Array> {
  const p: CardSourcePolicy = { ...DEFAULT_CARD_SOURCE_POLICY, ...policy };
  return async (url, maxBytes) => {
    const signal = AbortSignal.timeout(p.timeoutMs);
    let current: URL;
    try {
      current = new URL(url);
    } catch {
      throw new CardSourceError(
        'That attachment has no usable link. Upload the card again.',
        'unparsable URL',
      );
    }
    for (let hop = 0; ; hop++) {
      const pin = await destination(current, p, resolve, signal);
      const res = await get(current, pin, signal);
      if (REDIRECTS.has(res.statusCode ?? 0)) {
        res.destroy();
        const location = res.headers.location;
        if (hop >= p.maxRedirects || !location)
          throw new CardSourceError(
            'Downloading that file bounced through too many redirects, so I stopped. Attach the card file itself.',
            `${hop + 1} redirects${location ? '' : ', the last without a Location'}`,
          );
        current = new URL(location, current);
        continue;
      }
      if (res.statusCode !== 200) {
        res.destroy();
        throw new Error(`HTTP ${res.statusCode}`);
      }
      return readCapped(res, maxBytes);
    }
  };
}

/** Checks `url` and, unless its origin is trusted, resolves it: the address to connect to. */
async function destination(
  url: URL,
  policy: CardSourcePolicy,
  resolve: ResolveHost,
  signal: AbortSignal,
): Promise<{ address: string; family: number } | undefined> {
  const { checkAddresses } = checkCardUrl(url, policy);
  if (!checkAddresses) return undefined;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const answers = await Promise.race([
    resolve(host),
    new Promise<never>((_, reject) => {
      if (signal.aborted) reject(signal.reason);
      signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    }),
  ]);
  checkResolved(
    host,
    answers.map((a) => a.address),
  );
  return answers[0];
}

/** GET `url`, connecting to `pin` when given (Host header and TLS name stay the URL's). */
function get(
  url: URL,
  pin: { address: string; family: number } | undefined,
  signal: AbortSignal,
): Promise<IncomingMessage> {
  const lookup: LookupFunction | undefined = pin
    ? (_host, options, callback) => {
        // net.connect asks for every address when it may try several families.
        if ((options as { all?: boolean }).all)
          (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [pin]);
        else callback(null, pin.address, pin.family);
      }
    : undefined;
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(url, { method: 'GET', signal, ...(lookup ? { lookup } : {}), agent: false }, resolve);
    req.on('error', reject);
    req.end();
  });
}

async function readCapped(res: IncomingMessage, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(res.headers['content-length'] ?? Number.NaN);
  if (declared > maxBytes) {
    res.destroy();
    throw new CardTooLargeError(maxBytes);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of res as AsyncIterable<Buffer>) {
      total += chunk.byteLength;
      if (total > maxBytes) throw new CardTooLargeError(maxBytes);
      chunks.push(chunk);
    }
  } finally {
    // Stops the transfer if we bailed out early (too large, timeout); a no-op once complete.
    res.destroy();
  }
  return new Uint8Array(Buffer.concat(chunks, total));
}
