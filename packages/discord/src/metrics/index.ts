export {
  type AttachMetricsOptions,
  attachChannelManagerMetrics,
  type ManagerMetricsHandle,
  type MetricsEventSource,
} from './attach-manager.ts';
export { type MetricsServer, type MetricsServerOptions, startMetricsServer } from './server.ts';
export { type BotMetrics, startBotMetrics } from './start.ts';
export { createVoiceMetrics, type VoiceMetrics, type VoiceMetricsOptions } from './voice-metrics.ts';
