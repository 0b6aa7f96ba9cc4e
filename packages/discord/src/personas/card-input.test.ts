import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { CardTooLargeError, downloadCapped } from './card-download.ts';
import { cardBytesProblem, importFailureReason, safeFileName } from './card-input.ts';

describe('card input checks', () => {
  it('refuses empty files and invalid UTF-8, lets PNGs through to the PNG reader', () => {
    expect(cardBytesProblem(new Uint8Array(0))).toMatch(/empty/);
    expect(cardBytesProblem(Uint8Array.of(0x7b, 0xff, 0xfe, 0x7d))).toMatch(
      /not valid UTF-8.*Save the JSON card as UTF-8/,
    );
    expect(cardBytesProblem(new TextEncoder().encode('{"name":"说书人 🎭"}'))).toBeUndefined();
    expect(
      cardBytesProblem(Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0xff)),
    ).toBeUndefined();
  });

  it('names files harmlessly and words engine errors without echoing them', () => {
    expect(safeFileName('my card <@&1> `x`.png')).toBe('my_card_1_x_.png');
    expect(safeFileName('😀')).toBe('_');
    expect(safeFileName('')).toBe('card');
    const personaError = Object.assign(new Error('c.json: the card is not valid JSON. Fix: export again'), {
      name: 'PersonaError',
    });
    expect(importFailureReason(personaError)).toBe(personaError.message);
    expect(
      importFailureReason(new DOMException('The string to be decoded is not correctly encoded.')),
    ).toMatch(/damaged/);
  });
});

describe('downloadCapped', () => {
  it('stops an endless body at the cap instead of buffering it', async () => {
    let sent = 0;
    let closed = false;
    const server = createServer((_req, res) => {
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
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/card.json`;
    try {
      await expect(downloadCapped(fetch, url, 256 * 1024)).rejects.toBeInstanceOf(CardTooLargeError);
      await expect.poll(() => closed).toBe(true);
      expect(sent).toBeLessThan(16 * 1024 * 1024);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it('returns small bodies whole and refuses an announced oversize before reading', async () => {
    const ok = await downloadCapped((async () => new Response('abc')) as unknown as typeof fetch, 'x', 10);
    expect(new TextDecoder().decode(ok)).toBe('abc');
    const big = (async () =>
      new Response('abc', { headers: { 'content-length': '999' } })) as unknown as typeof fetch;
    await expect(downloadCapped(big, 'x', 10)).rejects.toBeInstanceOf(CardTooLargeError);
    const failing = (async () => new Response('no', { status: 404 })) as unknown as typeof fetch;
    await expect(downloadCapped(failing, 'x', 10)).rejects.toThrow(/HTTP 404/);
  });
});
