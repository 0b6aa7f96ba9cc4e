// Where a character card may be downloaded from. The bot fetches a URL a Discord user can
// influence, from inside the operator's network: without a policy that is a server-side request
// forgery hole (cloud metadata at 169.254.169.254, admin panels on localhost, the LAN). Pure.

import { BlockList, isIP } from 'node:net';

/**
 * Discord's attachment hosts: `url` is on cdn.discordapp.com, `proxy_url` on media.discordapp.net
 * (https://discord.com/developers/docs/resources/message#attachment-object,
 * https://discord.com/developers/docs/reference#image-formatting).
 */
export const DISCORD_ATTACHMENT_HOSTS: readonly string[] = ['cdn.discordapp.com', 'media.discordapp.net'];

/** What the downloader may fetch. */
export interface CardSourcePolicy {
  /** Host names (exact, any case) a card may come from; their addresses must be public. */
  hosts: readonly string[];
  /**
   * Exact origins (`scheme://host[:port]`) trusted as they are, private addresses included: for
   * a Discord emulator on loopback, whose attachments live on its own origin. Empty in production.
   */
  trustedOrigins: readonly string[];
  /** URL schemes allowed for `hosts` (https only, unless a test server speaks plain HTTP). */
  schemes: readonly string[];
  /** Redirects followed at most; every hop is checked like the first URL. */
  maxRedirects: number;
  /** The whole download (every hop, DNS included) must finish within this. */
  timeoutMs: number;
}

export const DEFAULT_CARD_SOURCE_POLICY: CardSourcePolicy = {
  hosts: DISCORD_ATTACHMENT_HOSTS,
  trustedOrigins: [],
  schemes: ['https:'],
  maxRedirects: 3,
  timeoutMs: 10_000,
};

/** A URL or address the policy refuses; `userMessage` says so without echoing the URL. */
export class CardSourceError extends Error {
  override name = 'CardSourceError';
  readonly userMessage: string;
  constructor(userMessage: string, detail: string) {
    super(detail);
    this.userMessage = userMessage;
  }
}

// Everything that is not a public unicast address: "this network", private (RFC 1918), shared
// (CGNAT), loopback, link-local (cloud metadata), IETF protocol and documentation ranges,
// benchmarking, multicast, reserved, broadcast; and for IPv6 the unspecified and loopback
// addresses, IPv4-mapped/translated forms (they reach IPv4 hosts), discard, IETF special-purpose
// (Teredo included), documentation, 6to4, unique-local, link- and site-local, multicast
// (https://www.iana.org/assignments/iana-ipv4-special-registry, .../iana-ipv6-special-registry).
// Two lists: node's BlockList matches an IPv4 address against IPv6 rules through its mapped form,
// so one list holding ::ffff:0:0/96 would refuse every IPv4 address.
const NOT_PUBLIC_V4 = new BlockList();
const NOT_PUBLIC_V6 = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  NOT_PUBLIC_V4.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['::ffff:0:0', 96],
  ['::', 96],
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001::', 23],
  ['2001:db8::', 32],
  ['2002::', 16],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const)
  NOT_PUBLIC_V6.addSubnet(net, prefix, 'ipv6');

/** True only for a public unicast IP address (anything unparsable is not). */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  return family === 4 ? !NOT_PUBLIC_V4.check(address, 'ipv4') : !NOT_PUBLIC_V6.check(address, 'ipv6');
}

const NOT_FROM_DISCORD =
  'That file is not on Discord’s attachment servers, so I did not download it. Attach the card file to the command itself.';

/**
 * Checks a URL before anything is fetched: scheme, then trusted origin or allow-listed host.
 * Returns whether its addresses must still be checked after DNS (not for trusted origins).
 * The WHATWG parser has already turned decimal, octal and hex IPv4 forms into dotted quads.
 */
export function checkCardUrl(url: URL, policy: CardSourcePolicy): { checkAddresses: boolean } {
  if (url.username || url.password)
    throw new CardSourceError(NOT_FROM_DISCORD, 'the card URL carries credentials');
  if (policy.trustedOrigins.includes(url.origin)) return { checkAddresses: false };
  if (!policy.schemes.includes(url.protocol))
    throw new CardSourceError(NOT_FROM_DISCORD, `scheme ${url.protocol} is not allowed for card downloads`);
  const host = url.hostname.toLowerCase();
  if (!policy.hosts.some((h) => h.toLowerCase() === host))
    throw new CardSourceError(NOT_FROM_DISCORD, `host ${host} is not an allowed card source`);
  return { checkAddresses: true };
}

/** Refuses a host whose DNS answer holds any non-public address (a rebinding answer may mix them). */
export function checkResolved(host: string, addresses: readonly string[]): void {
  if (addresses.length === 0)
    throw new CardSourceError(NOT_FROM_DISCORD, `${host} did not resolve to any address`);
  const bad = addresses.find((a) => !isPublicAddress(a));
  if (bad !== undefined)
    throw new CardSourceError(NOT_FROM_DISCORD, `${host} resolves to a non-public address (${bad})`);
}
