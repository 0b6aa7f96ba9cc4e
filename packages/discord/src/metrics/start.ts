// Production wiring: METRICS_PORT set → a Prometheus endpoint fed by the voice layer's events.
import type { Logger } from 'pino';
import type { VoiceManagerPort } from '../voice-port.ts';
import { attachChannelManagerMetrics, type MetricsEventSource } from './attach-manager.ts';
import { startMetricsServer } from './server.ts';

/** A running endpoint and its subscription to the voice layer. */
export interface BotMetrics {
  readonly url: string;
  close(): Promise<void>;
}

/** Serves `/metrics` on `host:port` for `voice`; a bind error says which setting to change. */
export async function startBotMetrics(options: {
  voice: VoiceManagerPort;
  port: number;
  host?: string | undefined;
  logger: Logger;
  pollIntervalMs?: number;
  /** Labels on every series (e.g. which host and shards this process runs, for several processes). */
  labels?: Record<string, string>;
}): Promise<BotMetrics> {
  const handle = attachChannelManagerMetrics(options.voice as unknown as MetricsEventSource, {
    pollIntervalMs: options.pollIntervalMs,
  });
  if (options.labels) handle.metrics.registry.setDefaultLabels(options.labels);
  let server: Awaited<ReturnType<typeof startMetricsServer>>;
  try {
    server = await startMetricsServer({
      registry: handle.metrics.registry,
      port: options.port,
      host: options.host,
    });
  } catch (err) {
    handle.detach();
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(
      `cannot serve metrics on ${options.host ?? '127.0.0.1'}:${options.port} (${code ?? (err as Error).message}) — set METRICS_PORT to a free port, or unset it`,
    );
  }
  options.logger.info({ url: server.url }, 'metrics endpoint listening');
  return {
    url: server.url,
    async close() {
      handle.detach();
      await server.close();
    },
  };
}
