// The card downloader against hostile URLs and local servers: nothing outside the allow-list is
// fetched, no private address is reached (after DNS, after each redirect), size and time are capped.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CardTooLargeError, createCardDownloader, type ResolveHost } from './card-download.ts';
import {
  CardSourceError,
  checkCardUrl,
  DEFAULT_CARD_SOURCE_POLICY,
  isPublicAddress,
} from './card-source-policy.ts';

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

/** A loopback server; `hits` counts the requests it received. */
async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void) {
  const state = { hits: 0, hosts: [] as string[] };
  const server = createServer((req, res) => {
    state.hits++;
    state.hosts.push(req.headers.host ?? '');
    handler(req, res);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return Object.assign(state, { port, origin: `http://127.0.0.1:${port}` });
}

const fixed =
  (answers: Record<string, string[]>): ResolveHost =>
  async (host) =>
    (answers[host] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

/** The CardSourceError a download was refused with (its detail). */
async function refused(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof CardSourceError)) throw new Error(`expected a CardSourceError, got ${String(err)}`);
  expect(err.userMessage).not.toMatch(/127\.0\.0\.1|localhost|http/);
  return err.message;
}

describe('card source policy', () => {
  it('tells public addresses from loopback, private, link-local, mapped and special ones', () => {
    for (const a of [
      '127.0.0.1',
      '127.255.0.9',
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '224.0.0.1',
      '255.255.255.255',
      '::1',
      '::',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '::ffff:8.8.8.8',
      '64:ff9b::7f00:1',
      '2002:7f00:1::1',
      'fe80::1',
      'fc00::1',
      'fd12:3456::1',
      'ff02::1',
      '2001:db8::1',
      'not-an-ip',
    ])
      expect(isPublicAddress(a), a).toBe(false);
    for (const a of ['8.8.8.8', '162.159.128.233', '2606:4700::6810:84e5', '2a00:1450:4001:82a::200e'])
      expect(isPublicAddress(a), a).toBe(true);
  });

  it('refuses other schemes and hosts before any request, whatever form the address takes', () => {
    const p = DEFAULT_CARD_SOURCE_POLICY;
    for (const url of [
      'data:application/json;base64,e30=',
      'file:///etc/passwd',
      'ftp://cdn.discordapp.com/a.json',
      'javascript:alert(1)',
      'http://cdn.discordapp.com/attachments/1/2/c.json',
      'https://2130706433/c.json',
      'https://0177.0.0.1/c.json',
      'https://0x7f.1/c.json',
      'https://127.1/c.json',
      'https://[::ffff:127.0.0.1]/c.json',
      'https://localhost/c.json',
      'https://cdn.discordapp.com.evil.example/c.json',
      'https://evil.example/cdn.discordapp.com/c.json',
      'https://user:pass@cdn.discordapp.com/c.json',
    ])
      expect(() => checkCardUrl(new URL(url), p), url).toThrow(CardSourceError);
    for (const url of [
      'https://cdn.discordapp.com/attachments/1/2/c.json?ex=1&is=2&hm=3',
      'https://MEDIA.discordapp.net/attachments/1/2/c.png',
    ])
      expect(checkCardUrl(new URL(url), p), url).toEqual({ checkAddresses: true });
  });
});

describe('createCardDownloader', () => {
  it('never connects to an allowed host whose DNS answer is private (or mixes in a private address)', async () => {
    const target = await serve((_req, res) => res.end('{"secret":1}'));
    const policy = { hosts: ['cards.example'], schemes: ['http:'] };
    for (const answer of [['127.0.0.1'], ['8.8.8.8', '127.0.0.1'], ['::ffff:127.0.0.1'], []]) {
      const download = createCardDownloader(policy, fixed({ 'cards.example': answer }));
      await refused(download(`http://cards.example:${target.port}/c.json`, 1024));
    }
    expect(target.hits).toBe(0);
  });

  it('re-checks every redirect hop: to loopback, to another host, to a data: URL', async () => {
    const inside = await serve((_req, res) => res.end('internal'));
    const locations = [
      `${inside.origin}/admin`,
      'https://evil.example/c.json',
      'data:text/plain,hi',
      'file:///etc/passwd',
    ];
    let next = 0;
    const edge = await serve((_req, res) => {
      res.writeHead(302, { location: locations[next++] ?? '' });
      res.end();
    });
    const download = createCardDownloader({ hosts: [], trustedOrigins: [edge.origin] });
    for (const _ of locations)
      expect(await refused(download(`${edge.origin}/c.json`, 1024))).toMatch(/not an allowed|scheme/);
    expect(inside.hits).toBe(0);
  });

  it('follows at most maxRedirects redirects', async () => {
    const loop = await serve((req, res) => {
      res.writeHead(301, { location: `${req.url}x` });
      res.end();
    });
    const download = createCardDownloader({ hosts: [], trustedOrigins: [loop.origin], maxRedirects: 3 });
    expect(await refused(download(`${loop.origin}/c`, 1024))).toMatch(/4 redirects/);
    expect(loop.hits).toBe(4);
  });

  it('connects to the address it checked: a second DNS answer cannot send it elsewhere', async () => {
    const local = await serve((_req, res) => res.end('{"internal":true}'));
    // The check sees a public address; the system resolver would say loopback for "localhost".
    let lookups = 0;
    const download = createCardDownloader(
      { hosts: ['localhost'], schemes: ['http:'], timeoutMs: 1500 },
      async () => {
        lookups++;
        return [{ address: '8.8.8.8', family: 4 }];
      },
    );
    await expect(download(`http://localhost:${local.port}/c.json`, 1024)).rejects.toThrow();
    expect(lookups).toBe(1);
    expect(local.hits).toBe(0);
    // A trusted origin (an emulator's) is fetched as it is.
    const trusted = createCardDownloader({ hosts: [], trustedOrigins: [local.origin] });
    expect(new TextDecoder().decode(await trusted(`${local.origin}/c.json`, 1024))).toBe('{"internal":true}');
    expect(local.hosts).toEqual([`127.0.0.1:${local.port}`]);
  }, 20_000);

  it('cuts an endless or oversized body at the cap, and gives up after the time limit', async () => {
    let sent = 0;
    let closed = false;
    const endless = await serve((_req, res) => {
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      const pump = () => {
        while (!closed && res.write(chunk)) sent += chunk.length;
        if (!closed) res.once('drain', pump);
      };
      res.on('close', () => {
        closed = true;
      });
      pump();
    });
    const liar = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': '999999' });
      res.end('x');
    });
    const silent = await serve(() => {});
    const download = createCardDownloader({
      hosts: [],
      trustedOrigins: [endless.origin, liar.origin, silent.origin],
      timeoutMs: 500,
    });
    await expect(download(`${endless.origin}/c`, 256 * 1024)).rejects.toBeInstanceOf(CardTooLargeError);
    await expect.poll(() => closed).toBe(true);
    expect(sent).toBeLessThan(16 * 1024 * 1024);
    await expect(download(`${liar.origin}/c`, 1024)).rejects.toBeInstanceOf(CardTooLargeError);
    await expect(download(`${silent.origin}/c`, 1024)).rejects.toThrow(/abort|timeout/i);
    await expect(download('not a url', 1024)).rejects.toBeInstanceOf(CardSourceError);
  });
});
