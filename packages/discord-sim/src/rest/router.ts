import type { IncomingMessage } from 'node:http';

/** What a handler returns: status + JSON body (undefined → 204). */
export interface RestResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** A non-JSON body (hosted attachments), sent as-is. */
  raw?: { bytes: Uint8Array; contentType: string };
}

export interface RestRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  raw: IncomingMessage;
}

type Handler = (req: RestRequest) => RestResult | Promise<RestResult>;

interface Route {
  method: string;
  pattern: string;
  regex: RegExp;
  keys: string[];
  handler: Handler;
}

/** A tiny method + `/path/:param` router; the pattern string is what recordings call the route. */
export class Router {
  private readonly routes: Route[] = [];

  add(method: string, pattern: string, handler: Handler): void {
    const keys: string[] = [];
    const source = pattern.replace(/:(\w+)/g, (_m, key: string) => {
      keys.push(key);
      return '([^/]+)';
    });
    this.routes.push({ method, pattern, regex: new RegExp(`^${source}$`), keys, handler });
  }

  match(method: string, path: string): { route: Route; params: Record<string, string> } | undefined {
    for (const route of this.routes) {
      if (route.method !== method) continue;
      const m = route.regex.exec(path);
      if (!m) continue;
      const params: Record<string, string> = {};
      route.keys.forEach((k, i) => {
        params[k] = decodeURIComponent(m[i + 1] ?? '');
      });
      return { route, params };
    }
    return undefined;
  }
}

/** Discord's JSON error body. */
export function discordError(status: number, code: number, message: string): RestResult {
  return { status, body: { message, code } };
}

/** Parses JSON or multipart (`payload_json`) request bodies the way discord.js sends them. */
export function parseBody(raw: Buffer, contentType: string | undefined): unknown {
  if (raw.length === 0) return undefined;
  const text = raw.toString('utf8');
  if (contentType?.startsWith('multipart/form-data')) {
    const m = /name="payload_json"\r?\n(?:Content-Type: [^\r\n]+\r?\n)?\r?\n([\s\S]*?)\r?\n--/.exec(text);
    return m?.[1] ? JSON.parse(m[1]) : {};
  }
  return JSON.parse(text);
}
