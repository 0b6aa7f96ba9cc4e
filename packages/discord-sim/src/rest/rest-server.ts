import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { discordError, parseBody, type RestRequest, type RestResult, Router } from './router.ts';

/** One REST call the bot made, for assertions. */
export interface RestRecord {
  method: string;
  path: string;
  /** The sim's route pattern, or undefined for an unknown route (answered 404). */
  route: string | undefined;
  query: Record<string, string>;
  body: unknown;
  status: number;
}

/** A rate-limit fault: the next `count` matching requests get a 429. */
export interface RateLimitFault {
  method?: string | undefined;
  /** Substring or regex matched against the path (after /api/v10). */
  path: string | RegExp;
  count?: number | undefined;
  retryAfterMs?: number | undefined;
  global?: boolean | undefined;
}

const API_PREFIX = /^\/api\/v\d+/;

/** HTTP server hosting the REST API (and, via upgrade, the gateway). */
export class RestServer {
  readonly http: Server;
  readonly router = new Router();
  readonly requests: RestRecord[] = [];
  private readonly rateLimits: (RateLimitFault & { remaining: number })[] = [];
  /** Called after each request is answered (lets `sim.until` re-check on REST traffic too). */
  onRequest: (() => void) | undefined;

  constructor() {
    this.http = createServer((req, res) => {
      void this.handle(req, res);
    });
  }

  listen(): Promise<number> {
    return new Promise((resolve) => {
      this.http.listen(0, '127.0.0.1', () => {
        const addr = this.http.address();
        resolve(typeof addr === 'object' && addr ? addr.port : 0);
      });
    });
  }

  addRateLimit(fault: RateLimitFault): void {
    this.rateLimits.push({ ...fault, remaining: fault.count ?? 1 });
  }

  close(): Promise<void> {
    this.http.closeAllConnections();
    return new Promise((resolve) => this.http.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname.replace(API_PREFIX, '');
    const method = req.method ?? 'GET';
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    let body: unknown;
    let result: RestResult;
    let routeName: string | undefined;
    try {
      body = parseBody(Buffer.concat(chunks), req.headers['content-type']);
      const limited = this.takeRateLimit(method, path);
      const match = this.router.match(method, path);
      routeName = match?.route.pattern;
      if (limited) result = limited;
      else if (!match) result = discordError(404, 0, '404: Not Found');
      else {
        const request: RestRequest = {
          method,
          path,
          params: match.params,
          query: url.searchParams,
          body,
          raw: req,
        };
        result = await match.route.handler(request);
      }
    } catch (error) {
      result = discordError(400, 50035, `Invalid Form Body: ${(error as Error).message}`);
    }
    this.requests.push({
      method,
      path,
      route: routeName,
      query: Object.fromEntries(url.searchParams),
      body,
      status: result.status,
    });
    if (result.raw) {
      res.writeHead(result.status, {
        'content-type': result.raw.contentType,
        'content-length': String(result.raw.bytes.byteLength),
        ...result.headers,
      });
      res.end(result.raw.bytes);
      this.onRequest?.();
      return;
    }
    // No content-type on empty bodies: @discordjs/rest JSON-parses whatever claims to be JSON.
    const headers: Record<string, string> = {
      ...(result.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...result.headers,
    };
    res.writeHead(result.status, headers);
    res.end(result.body === undefined ? undefined : JSON.stringify(result.body));
    this.onRequest?.();
  }

  private takeRateLimit(method: string, path: string): RestResult | undefined {
    const fault = this.rateLimits.find(
      (f) =>
        f.remaining > 0 &&
        (!f.method || f.method === method) &&
        (typeof f.path === 'string' ? path.includes(f.path) : f.path.test(path)),
    );
    if (!fault) return undefined;
    fault.remaining--;
    const retry = (fault.retryAfterMs ?? 100) / 1000;
    return {
      status: 429,
      body: {
        message: 'You are being rate limited.',
        retry_after: retry,
        global: fault.global ?? false,
        code: 0,
      },
      headers: {
        'retry-after': String(Math.ceil(retry)),
        'x-ratelimit-limit': '5',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset-after': String(retry),
        'x-ratelimit-reset': String(Date.now() / 1000 + retry),
        'x-ratelimit-bucket': 'sim-bucket',
        'x-ratelimit-scope': fault.global ? 'global' : 'user',
        ...(fault.global ? { 'x-ratelimit-global': 'true' } : {}),
      },
    };
  }
}
