// Downloads an attachment with a hard byte cap. The size Discord reports is checked before, but
// the body is counted while it streams: a body longer than announced (or endless) is cut off at
// the cap instead of being buffered whole in memory.

/** The body grew past the cap. */
export class CardTooLargeError extends Error {
  readonly maxBytes: number;
  constructor(maxBytes: number) {
    super(`the download exceeded ${maxBytes} bytes`);
    this.maxBytes = maxBytes;
    this.name = 'CardTooLargeError';
  }
}

/** Fetches `url` and returns its body, refusing (and aborting) anything over `maxBytes`. */
export async function downloadCapped(
  fetchFn: typeof fetch,
  url: string,
  maxBytes: number,
  timeoutMs = 10_000,
): Promise<Uint8Array> {
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new Error(`no complete answer within ${timeoutMs} ms`)),
    timeoutMs,
  );
  try {
    const res = await fetchFn(url, { signal: controller.signal });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const declared = Number(res.headers.get('content-length') ?? Number.NaN);
    if (declared > maxBytes) throw new CardTooLargeError(maxBytes);
    if (!res.body) return new Uint8Array(await res.arrayBuffer());
    const chunks: Uint8Array[] = [];
    let total = 0;
    for await (const chunk of res.body) {
      total += chunk.byteLength;
      if (total > maxBytes) throw new CardTooLargeError(maxBytes);
      chunks.push(chunk);
    }
    const out = new Uint8Array(total);
    let at = 0;
    for (const c of chunks) {
      out.set(c, at);
      at += c.byteLength;
    }
    return out;
  } finally {
    clearTimeout(timer);
    // Stops the transfer if we bailed out early (too large, timeout); a no-op once complete.
    controller.abort();
  }
}
