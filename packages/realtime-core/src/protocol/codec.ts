// The only place realtime JSON is parsed or serialised. Everything past this file sees
// typed events; malformed input becomes an `invalid` event instead of an exception.
import { type ClientEvent, clientEventSchemas } from './client-events.ts';
import {
  type InvalidEvent,
  type InvalidProblem,
  type KnownServerEvent,
  type ServerEvent,
  serverEventAliases,
  serverEventSchemas,
  type UnknownServerEvent,
} from './server-events.ts';

/** Frames larger than this are rejected unparsed (a 10 s PCM16 delta is ~640 KB of base64). */
export const DEFAULT_MAX_EVENT_BYTES = 8 * 1024 * 1024;

export type WireData = string | Uint8Array | ArrayBuffer | readonly Uint8Array[];

function toText(data: WireData): string {
  if (typeof data === 'string') return data;
  const decoder = new TextDecoder();
  if (data instanceof ArrayBuffer) return decoder.decode(new Uint8Array(data));
  if (data instanceof Uint8Array) return decoder.decode(data);
  return data.map((part) => decoder.decode(part, { stream: true })).join('') + decoder.decode();
}

function byteLength(data: WireData): number {
  if (typeof data === 'string') return data.length; // UTF-16 units; an upper bound for ASCII JSON
  if (data instanceof ArrayBuffer || data instanceof Uint8Array) return data.byteLength;
  return data.reduce((n, part) => n + part.byteLength, 0);
}

function headBytes(data: Exclude<WireData, string>, n: number): Uint8Array {
  const first = Array.isArray(data) ? (data[0] ?? new Uint8Array()) : data;
  const bytes = first instanceof ArrayBuffer ? new Uint8Array(first) : (first as Uint8Array);
  return bytes.subarray(0, n);
}

function excerpt(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…(${text.length} chars)` : text;
}

function invalid(problem: InvalidProblem, reason: string, text: string, eventType?: string): InvalidEvent {
  return eventType === undefined
    ? { type: 'invalid', problem, reason, excerpt: excerpt(text) }
    : { type: 'invalid', problem, reason, eventType, excerpt: excerpt(text) };
}

type Parsed =
  | { ok: true; value: Record<string, unknown>; type: string; text: string }
  | { ok: false; event: InvalidEvent };

function parseObject(data: WireData, maxBytes: number): Parsed {
  const size = byteLength(data);
  if (size > maxBytes) {
    // Not parsed, but its head names the event for the log (the first "type" key is a good guess).
    const head = typeof data === 'string' ? data.slice(0, 1024) : toText(headBytes(data, 1024));
    const type = /"type"\s*:\s*"([^"\\]{1,100})"/.exec(head)?.[1];
    const reason = `event of ${size} bytes exceeds the ${maxBytes}-byte limit`;
    return { ok: false, event: invalid('too_large', reason, head, type) };
  }
  const text = toText(data);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, event: invalid('malformed_json', `malformed JSON: ${(err as Error).message}`, text) };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, event: invalid('not_an_object', 'event is not a JSON object', text) };
  }
  const type = (value as { type?: unknown }).type;
  if (typeof type !== 'string' || type.length === 0) {
    return { ok: false, event: invalid('no_type', 'event has no string "type"', text) };
  }
  return { ok: true, value: value as Record<string, unknown>, type, text };
}

function issueSummary(error: { issues: readonly { path: PropertyKey[]; message: string }[] }): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}

/** Own-property lookup: a `"type":"constructor"` or `"__proto__"` must not find Object.prototype members. */
function own<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

type SafeParser = {
  safeParse(
    v: unknown,
  ): { success: true; data: unknown } | { success: false; error: Parameters<typeof issueSummary>[0] };
};

/**
 * Validates against a schema, never throwing. The excerpt is cut from the received text, not
 * re-serialised: JSON.stringify recurses and threw RangeError on a deeply nested event.
 */
function validate<T>(
  schema: SafeParser,
  value: unknown,
  parsed: { type: string; text: string },
): T | InvalidEvent {
  try {
    const result = schema.safeParse(value);
    if (result.success) return result.data as T;
    return invalid(
      'schema',
      `invalid ${parsed.type}: ${issueSummary(result.error)}`,
      parsed.text,
      parsed.type,
    );
  } catch (err) {
    const reason = `invalid ${parsed.type}: validation failed (${(err as Error).message})`;
    return invalid('schema', reason, parsed.text, parsed.type);
  }
}

/**
 * Error events in the shapes StepFun publishes besides the reference's `{type:"error", error:{...}}`:
 * the developer guide's unwrapped sample `{type:"invalid_request_error", code, message, param,
 * event_id}` (https://platform.stepfun.com/docs/zh/guides/developer/realtime, "错误处理"), and the
 * console proxy's `{type:"error", error:"connection_closed", message}` (stepfun-ai/Step-Realtime-Console,
 * src/hooks.server.ts). Both become the wrapped shape.
 */
function normalizeError(type: string, value: Record<string, unknown>): Record<string, unknown> | undefined {
  const message = value.message;
  if (typeof message !== 'string') return undefined;
  if (type !== 'error' && /^[a-z_]+_error$/.test(type) && !Object.hasOwn(serverEventSchemas, type)) {
    const { code, param, event_id } = value;
    return { type: 'error', error: { type, code, message, param, event_id } };
  }
  if (type === 'error' && typeof value.error === 'string')
    return { ...value, error: { code: value.error, message } };
  return undefined;
}

/** Parses one server frame. Never throws. */
export function decodeServerEvent(data: WireData, maxBytes = DEFAULT_MAX_EVENT_BYTES): ServerEvent {
  const parsed = parseObject(data, maxBytes);
  if (!parsed.ok) return parsed.event;
  const normalized = normalizeError(parsed.type, parsed.value);
  const value = normalized ?? parsed.value;
  const type = normalized ? 'error' : (own(serverEventAliases, parsed.type) ?? parsed.type);
  const schema = own<SafeParser>(serverEventSchemas, type);
  if (!schema) {
    const unknown: UnknownServerEvent = { type: 'unknown', eventType: parsed.type, raw: parsed.value };
    return unknown;
  }
  return validate<KnownServerEvent>(schema, type === value.type ? value : { ...value, type }, parsed);
}

/** Parses one client frame (used by servers such as realtime-sim). Never throws. */
export function decodeClientEvent(
  data: WireData,
  maxBytes = DEFAULT_MAX_EVENT_BYTES,
): ClientEvent | InvalidEvent | { type: 'unknown'; eventType: string; raw: Record<string, unknown> } {
  const parsed = parseObject(data, maxBytes);
  if (!parsed.ok) return parsed.event;
  const schema = own<SafeParser>(clientEventSchemas, parsed.type);
  if (!schema) return { type: 'unknown', eventType: parsed.type, raw: parsed.value };
  return validate<ClientEvent>(schema, parsed.value, parsed);
}

/**
 * Serialises a client event. The per-20 ms audio append skips JSON.stringify: base64 needs
 * no escaping, and a template costs a fraction of a stringify on the hottest client path.
 */
export function encodeClientEvent(event: ClientEvent): string {
  if (event.type === 'input_audio_buffer.append' && event.event_id === undefined) {
    return `{"type":"input_audio_buffer.append","audio":"${event.audio}"}`;
  }
  return JSON.stringify(event);
}

/** Serialises a server event (for simulators and tests); unknown passthroughs are re-emitted raw. */
export function encodeServerEvent(event: KnownServerEvent | UnknownServerEvent): string {
  if (event.type === 'unknown') return JSON.stringify(event.raw);
  if (
    event.type === 'response.audio.delta' &&
    event.event_id === undefined &&
    event.response_id !== undefined
  ) {
    return `{"type":"response.audio.delta","response_id":${JSON.stringify(event.response_id)},"item_id":${JSON.stringify(event.item_id)},"output_index":0,"content_index":0,"delta":"${event.delta}"}`;
  }
  return JSON.stringify(event);
}
