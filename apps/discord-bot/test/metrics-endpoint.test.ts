import { EventEmitter } from 'node:events';
import type { VoiceManagerPort, VoiceStatus } from '@troupe/discord';
import type { MetricsEventSource, MetricsServer } from '@troupe/discord/internal/metrics/index.ts';
import {
  attachChannelManagerMetrics,
  createVoiceMetrics,
  startMetricsServer,
} from '@troupe/discord/internal/metrics/index.ts';
import { afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import { scrape } from './helpers/scrape.ts';

/** A ChannelManager stand-in: emits seam-shaped events and serves status() per guild. */
class FakeManager extends EventEmitter {
  readonly statuses = new Map<string, VoiceStatus>();
  underruns = 0;
  get(guildId: string): { status(): VoiceStatus; underruns: number } | undefined {
    const s = this.statuses.get(guildId);
    return s ? { status: () => s, underruns: this.underruns } : undefined;
  }
}

function status(corrupt: number): VoiceStatus {
  return {
    persona: { id: 'p', name: 'P' },
    channelId: 'c1',
    sessionAgeMs: 1000,
    realtimeState: 'ready',
    heard: [
      {
        userId: 'u1',
        displayName: 'Ann',
        speaking: false,
        optedOut: false,
        packets: 10,
        corruptPackets: corrupt,
      },
    ],
    usage: { inputAudioMs: 0, outputAudioMs: 0 },
    turns: [],
  };
}

function value(body: string, series: string): number | undefined {
  const line = body.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

let server: MetricsServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('metrics endpoint', () => {
  it('serves seam events as Prometheus series over loopback', async () => {
    const manager = new FakeManager();
    const metrics = createVoiceMetrics({ processMetrics: false });
    const handle = attachChannelManagerMetrics(manager, { metrics, pollIntervalMs: 0 });
    server = await startMetricsServer({ registry: metrics.registry, port: 0 });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);

    manager.statuses.set('g1', status(2));
    manager.emit('turn', {
      guildId: 'g1',
      latency: { speaker: 'Ann', speechEndToCommitMs: 120, commitToFirstAudioMs: 400, totalMs: 560 },
    });
    manager.emit('usage', { guildId: 'g1', inputAudioMs: 1500, outputAudioMs: 2500 });
    manager.emit('underrun', { guildId: 'g1' });
    manager.emit('reconnected', { guildId: 'g1' });
    manager.emit('modelError', { guildId: 'g1', code: 'rate_limited' });
    manager.emit('inboundLatency', { guildId: 'g1', ms: 3 });
    manager.emit('playbackStart', { guildId: 'g1', ms: 30 });
    manager.emit('bargeIn', { guildId: 'g1', framesAfterDecision: 1 });
    handle.poll();
    manager.statuses.set('g1', status(5));
    manager.underruns = 3;
    handle.poll();
    handle.poll();

    const { status: code, body } = await scrape(server.url);
    expect(code).toBe(200);
    expect(value(body, 'troupe_active_sessions')).toBe(1);
    expect(value(body, 'troupe_turns_total')).toBe(1);
    expect(value(body, 'troupe_opus_decode_errors_total')).toBe(5);
    expect(value(body, 'troupe_playback_underruns_total')).toBe(4); // 1 event + 3 polled
    expect(value(body, 'troupe_model_reconnects_total')).toBe(1);
    expect(value(body, 'troupe_model_errors_total{code="rate_limited"}')).toBe(1);
    expect(value(body, 'troupe_input_audio_seconds_total')).toBe(1.5);
    expect(value(body, 'troupe_turn_stage_latency_seconds_count{stage="total"}')).toBe(1);
    expect(
      value(body, 'troupe_turn_stage_latency_seconds_count{stage="first_audio_to_first_packet"}'),
    ).toBeUndefined();
    expect(value(body, 'troupe_inbound_latency_seconds_bucket{le="0.005"}')).toBe(1);
    expect(value(body, 'troupe_playback_start_latency_seconds_bucket{le="0.025"}')).toBe(0);
    expect(value(body, 'troupe_barge_in_frames_bucket{le="1"}')).toBe(1);

    manager.statuses.delete('g1');
    manager.emit('sessionEnded', { guildId: 'g1', channelId: 'c1', reason: 'empty' });
    const after = await scrape(server.url);
    expect(value(after.body, 'troupe_active_sessions')).toBe(0);
    expect(value(after.body, 'troupe_sessions_ended_total{reason="empty"}')).toBe(1);
    handle.detach();
    expect(manager.listenerCount('turn')).toBe(0);
  });

  it('accepts the bot voice layer as its event source (type-level)', () => {
    expectTypeOf<VoiceManagerPort>().toExtend<MetricsEventSource>();
  });

  it('ignores malformed payloads instead of throwing', () => {
    const manager = new FakeManager();
    const metrics = createVoiceMetrics({ processMetrics: false });
    attachChannelManagerMetrics(manager, { metrics, pollIntervalMs: 0 });
    expect(() => {
      manager.emit('turn', undefined);
      manager.emit('usage', { guildId: 42 });
      manager.emit('inboundLatency', { guildId: 'g', ms: Number.NaN });
    }).not.toThrow();
  });

  it('answers 404 off /metrics and includes process metrics by default', async () => {
    const metrics = createVoiceMetrics();
    server = await startMetricsServer({ registry: metrics.registry, port: 0, host: '127.0.0.1' });
    const missing = await scrape(server.url.replace('/metrics', '/other'));
    expect(missing.status).toBe(404);
    const { body } = await scrape(server.url);
    expect(body).toContain('troupe_process_resident_memory_bytes');
  });
});
