// Feeds VoiceMetrics from the ChannelManager's events and polls each session's status() for the
// figures the seam exposes only as running totals (corrupt packets). Structural types keep this
// independent of the voice implementation, so a fake EventEmitter drives it in tests.
import { type Clock, monotonicClock } from '@troupe/realtime-core';
import type { TurnLatency, VoiceStatus } from '../voice-port.ts';
import { createVoiceMetrics, type VoiceMetrics } from './voice-metrics.ts';

/** Listener signature accepted by {@link MetricsEventSource}; events carry one payload object. */
// biome-ignore lint/suspicious/noExplicitAny: payloads are narrowed per event below
type AnyListener = (...args: any[]) => void;

/**
 * What metrics needs from the ChannelManager: its events and `get(guildId)`. Besides the seam's
 * `turn`/`usage`/`sessionEnded`, these optional events are recorded when the voice layer emits them:
 * `sessionStarted {guildId}`, `underrun {guildId, frames?}`, `reconnected {guildId}`,
 * `modelError {guildId, code}`, `inboundLatency {guildId, ms}`, `playbackStart {guildId, ms}`,
 * `bargeIn {guildId, framesAfterDecision}`. Underruns come from a polled `session.underruns` total
 * or from `underrun` events: wire one of the two, not both.
 */
export interface MetricsEventSource {
  on(event: string, listener: AnyListener): unknown;
  off(event: string, listener: AnyListener): unknown;
  get(guildId: string): PolledSession | undefined;
}

/** A session as polled: `status()` from the seam; `underruns` when the voice layer exposes its running total. */
export interface PolledSession {
  status(): VoiceStatus;
  readonly underruns?: number | undefined;
}

/** Options for {@link attachChannelManagerMetrics}. */
export interface AttachMetricsOptions {
  metrics?: VoiceMetrics | undefined;
  /** How often to poll session status; 0 disables the timer (call `poll()` yourself). Default 5000. */
  pollIntervalMs?: number | undefined;
  /** The poll timer's clock (default: the monotonic clock, timers unref'd). */
  clock?: Pick<Clock, 'setInterval' | 'clearInterval'> | undefined;
}

/** Handle returned by {@link attachChannelManagerMetrics}. */
export interface ManagerMetricsHandle {
  readonly metrics: VoiceMetrics;
  /** Tells metrics about a session the manager did not announce (e.g. right after `join()`). */
  track(guildId: string): void;
  /** Reads every tracked session's status now (also done on the interval). */
  poll(): void;
  /** Unsubscribes and stops polling. */
  detach(): void;
}

const TURN_STAGES: [keyof TurnLatency, string][] = [
  ['speechEndToCommitMs', 'speech_end_to_commit'],
  ['commitToFirstAudioMs', 'commit_to_first_audio'],
  ['firstAudioToFirstPacketMs', 'first_audio_to_first_packet'],
  ['totalMs', 'total'],
];

function isGuildEvent(value: unknown): value is { guildId: string } {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { guildId?: unknown }).guildId === 'string'
  );
}

function finiteMs(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** Subscribes metrics to a ChannelManager. Malformed payloads are ignored, never thrown. */
export function attachChannelManagerMetrics(
  manager: MetricsEventSource,
  options: AttachMetricsOptions = {},
): ManagerMetricsHandle {
  const metrics = options.metrics ?? createVoiceMetrics();
  // guildId -> userId -> corrupt packets already counted (status() reports running totals);
  // the '' key holds the session's underrun total already counted.
  const tracked = new Map<string, Map<string, number>>();
  const UNDERRUNS = '';

  const track = (guildId: string): void => {
    if (!tracked.has(guildId)) tracked.set(guildId, new Map());
    metrics.activeSessions.set(tracked.size);
  };

  const poll = (): void => {
    for (const [guildId, seen] of tracked) {
      const session = manager.get(guildId);
      if (!session) {
        tracked.delete(guildId);
        continue;
      }
      for (const h of session.status().heard) {
        const before = seen.get(h.userId) ?? 0;
        // A smaller total means the counter restarted (rejoin): count it from zero.
        const delta = h.corruptPackets >= before ? h.corruptPackets - before : h.corruptPackets;
        if (delta > 0) metrics.decodeErrors.inc(delta);
        seen.set(h.userId, h.corruptPackets);
      }
      if (typeof session.underruns === 'number') {
        const before = seen.get(UNDERRUNS) ?? 0;
        const delta = session.underruns >= before ? session.underruns - before : session.underruns;
        if (delta > 0) metrics.underruns.inc(delta);
        seen.set(UNDERRUNS, session.underruns);
      }
    }
    metrics.activeSessions.set(tracked.size);
  };

  const handlers: Record<string, AnyListener> = {
    sessionStarted: (e: unknown) => isGuildEvent(e) && track(e.guildId),
    sessionEnded: (e: unknown) => {
      if (!isGuildEvent(e)) return;
      poll(); // count the session's last corrupt packets before forgetting it
      tracked.delete(e.guildId);
      metrics.activeSessions.set(tracked.size);
      const reason = (e as { reason?: unknown }).reason;
      metrics.sessionsEnded.inc({ reason: typeof reason === 'string' ? reason : 'unknown' });
    },
    turn: (e: unknown) => {
      if (!isGuildEvent(e)) return;
      track(e.guildId);
      metrics.turns.inc();
      const latency = (e as { latency?: Partial<Record<keyof TurnLatency, unknown>> }).latency ?? {};
      for (const [key, stage] of TURN_STAGES) {
        const ms = finiteMs(latency[key]);
        if (ms !== undefined) metrics.turnStageLatency.observe({ stage }, ms / 1000);
      }
    },
    usage: (e: unknown) => {
      if (!isGuildEvent(e)) return;
      track(e.guildId);
      const u = e as { inputAudioMs?: unknown; outputAudioMs?: unknown };
      const input = finiteMs(u.inputAudioMs);
      const output = finiteMs(u.outputAudioMs);
      if (input) metrics.inputAudioSeconds.inc(input / 1000);
      if (output) metrics.outputAudioSeconds.inc(output / 1000);
    },
    underrun: (e: unknown) => {
      const frames = finiteMs((e as { frames?: unknown } | undefined)?.frames);
      metrics.underruns.inc(frames && frames > 0 ? frames : 1);
    },
    reconnected: () => metrics.reconnects.inc(),
    modelError: (e: unknown) => {
      const code = (e as { code?: unknown } | undefined)?.code;
      metrics.modelErrors.inc({ code: typeof code === 'string' ? code : 'unknown' });
    },
    inboundLatency: (e: unknown) => {
      const ms = finiteMs((e as { ms?: unknown } | undefined)?.ms);
      if (ms !== undefined) metrics.inboundLatency.observe(ms / 1000);
    },
    playbackStart: (e: unknown) => {
      const ms = finiteMs((e as { ms?: unknown } | undefined)?.ms);
      if (ms !== undefined) metrics.playbackStartLatency.observe(ms / 1000);
    },
    bargeIn: (e: unknown) => {
      const frames = finiteMs((e as { framesAfterDecision?: unknown } | undefined)?.framesAfterDecision);
      if (frames !== undefined) metrics.bargeInFrames.observe(frames);
    },
  };
  for (const [event, fn] of Object.entries(handlers)) manager.on(event, fn);

  const intervalMs = options.pollIntervalMs ?? 5000;
  const clock = options.clock ?? monotonicClock;
  const timer = intervalMs > 0 ? clock.setInterval(poll, intervalMs) : undefined;

  return {
    metrics,
    track,
    poll,
    detach: () => {
      for (const [event, fn] of Object.entries(handlers)) manager.off(event, fn);
      if (timer !== undefined) clock.clearInterval(timer);
    },
  };
}
