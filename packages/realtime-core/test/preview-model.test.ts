// stepaudio-3-realtime-preview as a setting: its own profile (voices, default voice), and its
// think-while-speaking events (response.thinking.*) understood, not played and not reported.
import { type RealtimeSim, startRealtimeSim } from '@troupe/realtime-sim';
import { afterEach, describe, expect, it } from 'vitest';
import { RealtimeSession, stepfun3PreviewProfile } from '../src/index.ts';

let sim: RealtimeSim | undefined;
let session: RealtimeSession | undefined;
afterEach(async () => {
  session?.close();
  await sim?.close();
});

describe('stepaudio-3-realtime-preview', () => {
  it('answers with its own profile; thinking events are neither audio nor faults', async () => {
    sim = await startRealtimeSim({ apiKey: 'k', speed: 20 });
    const s = new RealtimeSession({
      url: sim.url,
      model: 'stepaudio-3-realtime-preview',
      apiKey: 'k',
      config: { instructions: 'x', voice: stepfun3PreviewProfile.defaultVoice },
    });
    session = s;
    const seen: string[] = [];
    const done: string[] = [];
    let samples = 0;
    s.on('serverEvent', (e) => e.type.startsWith('response.thinking') && seen.push(e.type));
    s.on('audio', (pcm) => {
      samples += pcm.length;
    });
    s.on('responseDone', (e) => done.push(e.status));
    await s.connect();
    s.createResponse();
    await sim.waitFor(() => done.length === 1);
    expect(sim.sessions[0]).toMatchObject({
      model: 'stepaudio-3-realtime-preview',
      config: { voice: 'jingdiannvsheng' },
    });
    expect(seen).toEqual(['response.thinking.delta', 'response.thinking.done']);
    expect(samples).toBe((sim.responses[0]!.audioMs * 24_000) / 1000);
    expect(done).toEqual(['completed']);
    expect(s.diagnostics.total).toBe(0);
  });
});
