import { afterEach, describe, expect, it } from 'vitest';
import type { RealtimeTransport, TransportCloseInfo } from '../transport/types.ts';

/** The server side of a transport under test. */
export interface TransportHarness {
  transport: RealtimeTransport;
  /** Resolves with the next frame the server received. */
  received(): Promise<string>;
  serverSend(text: string): void;
  serverClose(code: number, reason: string): void;
  dispose(): Promise<void>;
}

function once<T>(transport: RealtimeTransport, event: 'open' | 'close' | 'message'): Promise<T> {
  return new Promise((resolve) =>
    transport.once(event, ((...args: unknown[]) => resolve(args[0] as T)) as never),
  );
}

/** Assertions every `RealtimeTransport` must pass, run against each implementation. */
export function transportContract(name: string, make: () => Promise<TransportHarness>): void {
  describe(`transport contract: ${name}`, () => {
    let harness: TransportHarness | undefined;
    afterEach(async () => {
      await harness?.dispose();
      harness = undefined;
    });

    async function opened(): Promise<TransportHarness> {
      harness = await make();
      const open = once<void>(harness.transport, 'open');
      harness.transport.connect();
      await open;
      return harness;
    }

    it('opens, then carries frames both ways in order', async () => {
      const h = await opened();
      h.transport.send('{"type":"a"}');
      h.transport.send('{"type":"b"}');
      expect(await h.received()).toBe('{"type":"a"}');
      expect(await h.received()).toBe('{"type":"b"}');
      const message = once<string | Uint8Array>(h.transport, 'message');
      h.serverSend('{"type":"c"}');
      expect(String(await message)).toBe('{"type":"c"}');
    });

    it('reports a server close once, with its code', async () => {
      const h = await opened();
      const closes: TransportCloseInfo[] = [];
      h.transport.on('close', (info) => closes.push(info));
      const closed = once<TransportCloseInfo>(h.transport, 'close');
      h.serverClose(4001, 'bye');
      expect(await closed).toMatchObject({ code: 4001 });
      h.transport.close();
      expect(closes).toHaveLength(1);
    });

    it('closes on request and refuses to send afterwards', async () => {
      const h = await opened();
      const closed = once<TransportCloseInfo>(h.transport, 'close');
      h.transport.close(1000, 'done');
      await closed;
      expect(() => h.transport.send('{}')).toThrow();
    });

    it('refuses to send before it is open', async () => {
      harness = await make();
      expect(() => harness?.transport.send('{}')).toThrow();
    });
  });
}
