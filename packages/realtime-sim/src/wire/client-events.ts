// Client -> server events as StepFun's realtime reference documents them
// (https://platform.stepfun.com/docs/zh/api-reference/realtime/chat, "Client Event 列表"), plus
// the two OpenAI-beta events StepFun's own console sends through the openai-realtime-api-beta
// client (`conversation.item.truncate`, `response.create.response.instructions`). Written from the
// reference, not from any client in this repository. Unknown fields are kept: servers ignore them.
import { z } from 'zod';

const eventId = { event_id: z.string().optional() };

/**
 * `turn_detection`: the reference documents `prefix_padding_ms`, `silence_duration_ms` and
 * `energy_awakeness_threshold` (0–5000); OpenAI's `threshold` (0–1) is accepted for the openai
 * dialect. Ranges are checked by the connection so an out-of-range value is an error event, not
 * a silently ignored field.
 */
const turnDetection = z
  .object({
    type: z.string(),
    prefix_padding_ms: z.number().optional(),
    silence_duration_ms: z.number().optional(),
    energy_awakeness_threshold: z.number().optional(),
    threshold: z.number().optional(),
  })
  .loose();

export const sessionFields = z
  .object({
    modalities: z.array(z.string()).optional(),
    instructions: z.string().optional(),
    voice: z.string().optional(),
    input_audio_format: z.string().optional(),
    output_audio_format: z.string().optional(),
    input_audio_transcription: z.unknown().optional(),
    turn_detection: turnDetection.nullable().optional(),
    tools: z.array(z.unknown()).optional(),
    temperature: z.number().optional(),
    max_response_output_tokens: z.union([z.number(), z.string()]).optional(),
  })
  .loose();

const contentPart = z
  .object({
    type: z.string(),
    text: z.string().optional(),
    audio: z.string().optional(),
    transcript: z.string().nullable().optional(),
  })
  .loose();

export const clientSchemas = {
  'session.update': z.object({ type: z.literal('session.update'), ...eventId, session: sessionFields }),
  'input_audio_buffer.append': z.object({
    type: z.literal('input_audio_buffer.append'),
    ...eventId,
    audio: z.string(),
  }),
  'input_audio_buffer.commit': z.object({ type: z.literal('input_audio_buffer.commit'), ...eventId }),
  'input_audio_buffer.clear': z.object({ type: z.literal('input_audio_buffer.clear'), ...eventId }),
  'conversation.item.create': z.object({
    type: z.literal('conversation.item.create'),
    ...eventId,
    previous_item_id: z.string().nullable().optional(),
    item: z
      .object({
        id: z.string().optional(),
        type: z.string(),
        role: z.string().optional(),
        content: z.array(contentPart).optional(),
        call_id: z.string().optional(),
        output: z.string().optional(),
      })
      .loose(),
  }),
  'conversation.item.delete': z.object({
    type: z.literal('conversation.item.delete'),
    ...eventId,
    item_id: z.string(),
  }),
  'conversation.item.truncate': z.object({
    type: z.literal('conversation.item.truncate'),
    ...eventId,
    item_id: z.string(),
    content_index: z.number().int().min(0).optional(),
    audio_end_ms: z.number().int().min(0),
  }),
  /**
   * The developer guide's greeting example puts instructions under `session` in response.create
   * ("实现开场白"); OpenAI-style clients put them under `response`. Both are accepted.
   */
  'response.create': z.object({
    type: z.literal('response.create'),
    ...eventId,
    response: z
      .object({ instructions: z.string().optional(), modalities: z.array(z.string()).optional() })
      .loose()
      .optional(),
    session: z.object({ instructions: z.string().optional() }).loose().optional(),
  }),
  'response.cancel': z.object({
    type: z.literal('response.cancel'),
    ...eventId,
    response_id: z.string().optional(),
  }),
} as const;

export type ClientEventType = keyof typeof clientSchemas;
export type ClientEvent = { [K in ClientEventType]: z.infer<(typeof clientSchemas)[K]> }[ClientEventType];
export type ClientEventOf<K extends ClientEventType> = z.infer<(typeof clientSchemas)[K]>;
export type SessionFields = z.infer<typeof sessionFields>;

export type ParsedClientEvent =
  | { kind: 'event'; event: ClientEvent }
  | { kind: 'unknown'; eventType: string; eventId: string | undefined }
  | {
      kind: 'invalid';
      problem: 'too_large' | 'json' | 'shape';
      reason: string;
      eventId: string | undefined;
      param?: string;
    };

/** Parses one client frame. Never throws: a server must outlive anything a client sends. */
export function parseClientEvent(data: string | Buffer, maxBytes: number): ParsedClientEvent {
  const size = typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
  if (size > maxBytes) {
    const reason = `message of ${size} bytes exceeds the ${maxBytes}-byte limit`;
    return { kind: 'invalid', problem: 'too_large', reason, eventId: undefined };
  }
  let value: unknown;
  try {
    value = JSON.parse(typeof data === 'string' ? data : data.toString('utf8'));
  } catch (err) {
    return {
      kind: 'invalid',
      problem: 'json',
      reason: `invalid JSON: ${(err as Error).message}`,
      eventId: undefined,
    };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { kind: 'invalid', problem: 'json', reason: 'an event must be a JSON object', eventId: undefined };
  }
  const record = value as Record<string, unknown>;
  const eventId = typeof record.event_id === 'string' ? record.event_id : undefined;
  const type = record.type;
  if (typeof type !== 'string') {
    return { kind: 'invalid', problem: 'shape', reason: "missing 'type'", eventId, param: 'type' };
  }
  if (!Object.hasOwn(clientSchemas, type)) return { kind: 'unknown', eventType: type, eventId };
  const result = clientSchemas[type as ClientEventType].safeParse(record);
  if (result.success) return { kind: 'event', event: result.data as ClientEvent };
  const issue = result.error.issues[0];
  const param = issue?.path.map(String).join('.') ?? '';
  return {
    kind: 'invalid',
    problem: 'shape',
    reason: `${param}: ${issue?.message ?? 'invalid'}`,
    eventId,
    param,
  };
}
