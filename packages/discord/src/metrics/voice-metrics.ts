// Prometheus metrics for the voice path. One registry per bot process; the ChannelManager's
// events feed it (see attach-manager.ts) so the voice code needs no knowledge of prom-client.
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** Latency buckets in seconds: dense below 100 ms where the goals are (25 ms / 40 ms). */
const LATENCY_BUCKETS = [
  0.002, 0.005, 0.01, 0.015, 0.02, 0.025, 0.03, 0.04, 0.05, 0.075, 0.1, 0.25, 0.5, 1, 2.5, 5,
];
/** Turn latency (speech end → first audio heard) is dominated by the model: wider buckets. */
const TURN_BUCKETS = [0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10];

/** Every metric the bot exports, grouped so callers can record without string lookups. */
export interface VoiceMetrics {
  readonly registry: Registry;
  /** Last inbound packet → audio appended to the model socket. */
  readonly inboundLatency: Histogram;
  /** First model audio delta → first Opus packet sent to Discord. */
  readonly playbackStartLatency: Histogram;
  /** Per-turn breakdown stages reported by the voice layer (`stage` label). */
  readonly turnStageLatency: Histogram<'stage'>;
  /** Barge-in decision → bot silent, in 20 ms frames. */
  readonly bargeInFrames: Histogram;
  readonly activeSessions: Gauge;
  readonly underruns: Counter;
  readonly reconnects: Counter;
  readonly decodeErrors: Counter;
  readonly modelErrors: Counter<'code'>;
  readonly turns: Counter;
  readonly sessionsEnded: Counter<'reason'>;
  readonly inputAudioSeconds: Counter;
  readonly outputAudioSeconds: Counter;
}

/** Options for {@link createVoiceMetrics}. */
export interface VoiceMetricsOptions {
  /** Registry to register into; a fresh one by default (tests create many). */
  registry?: Registry | undefined;
  /** Also export Node process metrics (CPU, RSS, event-loop lag, GC). Default true. */
  processMetrics?: boolean | undefined;
  /** Metric name prefix. Default `troupe_`. */
  prefix?: string | undefined;
}

/** Creates the voice metrics in a registry (a new one unless given). */
export function createVoiceMetrics(options: VoiceMetricsOptions = {}): VoiceMetrics {
  const registry = options.registry ?? new Registry();
  const p = options.prefix ?? 'troupe_';
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: p });
  const registers = [registry];
  return {
    registry,
    inboundLatency: new Histogram({
      name: `${p}inbound_latency_seconds`,
      help: 'Last inbound Discord packet to the corresponding audio appended to the model socket',
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    playbackStartLatency: new Histogram({
      name: `${p}playback_start_latency_seconds`,
      help: 'First model audio delta received to first Opus packet sent to Discord',
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    turnStageLatency: new Histogram({
      name: `${p}turn_stage_latency_seconds`,
      help: 'Per-turn latency by stage (speech_end_to_commit, commit_to_first_audio, first_audio_to_first_packet, total)',
      labelNames: ['stage'],
      buckets: TURN_BUCKETS,
      registers,
    }),
    bargeInFrames: new Histogram({
      name: `${p}barge_in_frames`,
      help: 'Opus frames sent after a barge-in decision (goal: at most 1)',
      buckets: [0, 1, 2, 3, 5, 10, 25],
      registers,
    }),
    activeSessions: new Gauge({
      name: `${p}active_sessions`,
      help: 'Voice channel sessions alive',
      registers,
    }),
    underruns: new Counter({
      name: `${p}playback_underruns_total`,
      help: 'Playback frames due while a response was still streaming but no audio was ready',
      registers,
    }),
    reconnects: new Counter({
      name: `${p}model_reconnects_total`,
      help: 'Model connections re-established',
      registers,
    }),
    decodeErrors: new Counter({
      name: `${p}opus_decode_errors_total`,
      help: 'Inbound Opus packets that failed to decode (corrupt)',
      registers,
    }),
    modelErrors: new Counter({
      name: `${p}model_errors_total`,
      help: 'Errors reported by the realtime model session',
      labelNames: ['code'],
      registers,
    }),
    turns: new Counter({
      name: `${p}turns_total`,
      help: 'Conversation turns answered by a persona',
      registers,
    }),
    sessionsEnded: new Counter({
      name: `${p}sessions_ended_total`,
      help: 'Voice channel sessions ended, by reason',
      labelNames: ['reason'],
      registers,
    }),
    inputAudioSeconds: new Counter({
      name: `${p}input_audio_seconds_total`,
      help: 'Audio sent to the model',
      registers,
    }),
    outputAudioSeconds: new Counter({
      name: `${p}output_audio_seconds_total`,
      help: 'Audio received from the model',
      registers,
    }),
  };
}
