// The remaining fault switches, each met by the real session over real sockets (stepfun dialect).

import { type RealtimeSim, startRealtimeSim } from '@troupe/realtime-sim';
import { afterEach, describe, expect, it } from 'vitest';
import { RealtimeSession } from '../src/index.ts';

let sim: RealtimeSim;
let session: RealtimeSession | undefined;
afterEach(async () => {
  session?.close();
  await sim.close();
});

function make(): RealtimeSession {
  session = new RealtimeSession({
    url: sim.url,
    model: 'stepaudio-2.5-realtime',
    apiKey: 'k',
    config: { instructions: 'x', voice: 'qingchunshaonv' },
    backoff: { baseMs: 20, maxMs: 50, maxAttempts: 5 },
    reconnectBudget: { process: null },
  });
  return session;
}

describe('realtime-sim faults', () => {
  it('slow start: the session waits for session.created', async () => {
    sim = await startRealtimeSim({ apiKey: 'k' });
    sim.faults.slowStart(150);
    const s = make();
    let readyEarly = false;
    setTimeout(() => {
      readyEarly = s.state.status === 'ready';
    }, 50);
    await s.connect();
    expect(readyEarly).toBe(false);
  });

  it('refused upgrades (HTTP 500): the session retries and gets through', async () => {
    sim = await startRealtimeSim({ apiKey: 'k' });
    sim.faults.rejectConnections(2, 500);
    const s = make();
    const errors: string[] = [];
    s.on('error', (e) => errors.push(e.code));
    await s.connect();
    expect(errors).toEqual(['connect_failed', 'connect_failed']);
    expect(sim.sessions).toHaveLength(1);
  });

  it('error events and a stall: errors are recoverable and queued events arrive after the stall', async () => {
    sim = await startRealtimeSim({ apiKey: 'k', speed: 10 });
    const s = make();
    await s.connect();
    const errors: { code: string; recoverable: boolean }[] = [];
    s.on('error', (e) => errors.push({ code: e.code, recoverable: e.recoverable }));
    const done: string[] = [];
    s.on('responseDone', (e) => done.push(e.status));
    sim.faults.sendError('server_error', 'The server had an error while processing your request.');
    await sim.waitFor(() => errors.length === 1 || undefined);
    expect(errors[0]).toEqual({ code: 'server_error', recoverable: true });
    sim.faults.stall(200);
    s.createResponse();
    await new Promise((r) => setTimeout(r, 100));
    expect(done).toHaveLength(0);
    await sim.waitFor(() => done.length === 1 || undefined);
    expect(s.state.status).toBe('ready');
  });
});
