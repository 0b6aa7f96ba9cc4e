// The Prometheus endpoint as production runs it (startBotMetrics, as main.ts does with METRICS_PORT),
// fed by the real voice layer on both simulators.

import { type BotMetrics, startBotMetrics } from '@troupe/discord';
import { fixturePath } from '@troupe/discord-sim';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { scrape } from '../helpers/scrape.ts';
import { persona, startVoiceHarness, type VoiceHarness } from './voice-harness.ts';

let h: VoiceHarness | undefined;
let metrics: BotMetrics | undefined;
afterEach(async () => {
  await metrics?.close();
  await h?.close();
  metrics = undefined;
  h = undefined;
});

/** Scrapes every 100 ms until `ok` holds (10 s at most); returns the last body. */
async function scrapeUntil(url: string, ok: (body: string) => boolean): Promise<string> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { body } = await scrape(url);
    if (ok(body) || Date.now() > deadline) return body;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The value of one sample line, e.g. `troupe_turns_total` or `x_count{stage="total"}`. */
function sample(body: string, name: string): number {
  const line = body.split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.slice(name.length + 1)) : Number.NaN;
}

describe('metrics endpoint on the live voice pipeline', () => {
  it('exports sessions, latency histograms, turns and reconnects as they happen', async () => {
    h = await startVoiceHarness();
    metrics = await startBotMetrics({
      voice: h.voice,
      port: 0,
      logger: pino({ level: 'silent' }),
      pollIntervalMs: 0,
    });
    await h.voice.join(h.channel('Hearth'), persona('captain', 'wenrounansheng', 'Ahoy!'));
    await h.discord.listener('alice').waitForPackets(20);
    await h.discord.speak('bob', fixturePath('en-bob'));
    await h.model.waitFor(() =>
      h!.model.responses.find((r) => r.labels.includes('bob') && r.status === 'completed'),
    );
    const url = metrics.url;
    let body = await scrapeUntil(url, (b) => sample(b, 'troupe_turns_total') >= 1);
    expect(sample(body, 'troupe_active_sessions')).toBe(1);
    expect(sample(body, 'troupe_turns_total')).toBeGreaterThanOrEqual(1);
    expect(sample(body, 'troupe_inbound_latency_seconds_count')).toBeGreaterThanOrEqual(1);
    // The greeting and bob's answer each started playing once.
    expect(sample(body, 'troupe_playback_start_latency_seconds_count')).toBeGreaterThanOrEqual(2);
    expect(sample(body, 'troupe_turn_stage_latency_seconds_count{stage="total"}')).toBeGreaterThanOrEqual(1);
    expect(sample(body, 'troupe_model_reconnects_total')).toBe(0);
    expect(body).toContain('troupe_process_cpu_seconds_total');

    h.model.faults.dropAll();
    body = await scrapeUntil(url, (b) => sample(b, 'troupe_model_reconnects_total') >= 1);
    expect(sample(body, 'troupe_model_reconnects_total')).toBeGreaterThanOrEqual(1);

    await h.voice.leave(h.channel('Hearth').guild.id);
    body = (await scrape(metrics.url)).body;
    expect(sample(body, 'troupe_active_sessions')).toBe(0);
    expect(sample(body, 'troupe_sessions_ended_total{reason="left"}')).toBe(1);
  });
});
