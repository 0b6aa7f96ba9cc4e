// A real probe of the realtime model: open one session with the configured URL, model, key and a
// voice, wait for the server to accept the session and the voice, close. Each way it can fail is
// classified, so the doctor can say which setting to fix. Written against a small interface so
// realtime-core's own probe can replace it.
import { createWsTransport, type TransportFactory } from '@troupe/realtime-core';
import { networkReason } from './report.ts';

export type ProbeFailure = 'unreachable' | 'auth' | 'model' | 'voice' | 'quota' | 'timeout' | 'refused';

export type ProbeResult = { ok: true; detail: string } | { ok: false; kind: ProbeFailure; detail: string };

export interface ProbeOptions {
  url: string;
  model: string;
  apiKey: string;
  voice: string;
  timeoutMs?: number;
}

/** Opens one short session and says whether the key, model and voice are accepted. */
export type RealtimeProbe = (o: ProbeOptions) => Promise<ProbeResult>;

const byStatus = (status: number): ProbeFailure =>
  status === 401 || status === 403
    ? 'auth'
    : status === 400 || status === 404
      ? 'model'
      : status === 402 || status === 429
        ? 'quota'
        : 'refused';

/** What an `error` event is about, from its code, type and message (StepFun may answer in Chinese). */
export function classifyErrorText(text: string): ProbeFailure {
  const t = text.toLowerCase();
  if (/invalid_api_key|unauthori[sz]ed|authentication|api key|鉴权|密钥/.test(t)) return 'auth';
  if (/voice|音色/.test(t)) return 'voice';
  if (/model|模型/.test(t)) return 'model';
  if (/quota|rate.?limit|balance|insufficient|余额|限流|429/.test(t)) return 'quota';
  return 'refused';
}

export function createWsProbe(transportFactory: TransportFactory = createWsTransport): RealtimeProbe {
  return (o) =>
    new Promise<ProbeResult>((resolve) => {
      const url = new URL(o.url);
      url.searchParams.set('model', o.model);
      const transport = transportFactory({
        url: url.toString(),
        headers: { Authorization: `Bearer ${o.apiKey}` },
      });
      let done = false;
      let lastError: unknown;
      let opened = false;
      let sentUpdate = false;
      const finish = (r: ProbeResult) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        transport.close(1000, 'probe done');
        resolve(r);
      };
      const timer = setTimeout(
        () =>
          finish({
            ok: false,
            kind: 'timeout',
            detail: `no session within ${(o.timeoutMs ?? 10_000) / 1000} s`,
          }),
        o.timeoutMs ?? 10_000,
      );
      transport.on('open', () => {
        opened = true;
      });
      transport.on('error', (err) => {
        lastError = err;
      });
      transport.on('message', (data) => {
        let event: {
          type?: unknown;
          error?: { code?: unknown; type?: unknown; message?: unknown };
          code?: unknown;
          message?: unknown;
        };
        try {
          event = JSON.parse(
            typeof data === 'string' ? data : Buffer.concat([data].flat() as Uint8Array[]).toString('utf8'),
          );
        } catch {
          return;
        }
        if (event.type === 'session.created' && !sentUpdate) {
          sentUpdate = true;
          transport.send(
            JSON.stringify({
              type: 'session.update',
              session: { voice: o.voice, modalities: ['text', 'audio'] },
            }),
          );
        } else if (event.type === 'session.updated') {
          finish({
            ok: true,
            detail: `session accepted (model ${o.model}, voice ${o.voice})${transport.traceId ? `, trace ${transport.traceId}` : ''}`,
          });
        } else if (event.type === 'error' || (typeof event.type === 'string' && /error/.test(event.type))) {
          const e = event.error ?? event;
          const text = [e.code, e.type, e.message].filter((x) => typeof x === 'string').join(' ');
          finish({
            ok: false,
            kind: classifyErrorText(text),
            detail: String(e.message ?? text).slice(0, 200),
          });
        }
      });
      transport.on('close', (info) => {
        if (info.httpStatus !== undefined) {
          finish({
            ok: false,
            kind: byStatus(info.httpStatus),
            detail: `the server refused the connection with HTTP ${info.httpStatus}`,
          });
        } else if (!opened) {
          finish({ ok: false, kind: 'unreachable', detail: networkReason(lastError ?? info.reason) });
        } else {
          finish({
            ok: false,
            kind: 'refused',
            detail: `the server closed the session (${info.code}${info.reason ? ` ${info.reason}` : ''})`,
          });
        }
      });
      transport.connect();
    });
}
