// Server -> client events. Schemas are strict on the fields we read and loose on the rest,
// so a provider adding fields never breaks us.
import { z } from 'zod';
import { conversationItemSchema } from './client-events.ts';

const base = { event_id: z.string().optional() };
const ev = <T extends string, S extends z.ZodRawShape>(type: T, shape: S) =>
  z.object({ type: z.literal(type), ...base, ...shape }).loose();

const usageSchema = z
  .object({
    total_tokens: z.number().optional(),
    input_tokens: z.number().optional(),
    output_tokens: z.number().optional(),
  })
  .loose();

/**
 * `response.id` is optional: the developer guide's function-call `response.done` sample has none
 * (https://platform.stepfun.com/docs/zh/guides/developer/realtime, "自定义 Tool Call"); such an event
 * belongs to the reply in flight.
 */
const responseSchema = z
  .object({
    id: z.string().optional(),
    status: z.string().optional(),
    status_details: z.unknown().optional(),
    output: z.array(z.unknown()).optional(),
    usage: usageSchema.nullable().optional(),
  })
  .loose();

/** A millisecond count sent as a number (the samples) or a numeric string (the speech_started field table). */
const millis = z.union([
  z.number(),
  z
    .string()
    .regex(/^\d+(\.\d+)?$/)
    .transform(Number),
]);

/**
 * The session as the server reports it. Lenient: only `id` is used. `max_response_output_tokens` is a
 * string ("4096") in the reference's session.created sample and a number in its session.updated sample.
 */
const serverSession = z
  .object({
    id: z.string().optional(),
    voice: z.string().optional(),
    instructions: z.string().optional(),
    max_response_output_tokens: z.union([z.number(), z.string()]).optional(),
  })
  .loose();

/**
 * StepFun's samples of response.audio.delta and response.audio_transcript.delta carry no
 * `response_id`, and response.audio.done's sample carries `"traceid"` there
 * (https://platform.stepfun.com/docs/zh/api-reference/realtime/chat). The field is optional; the
 * session attributes such events to the reply in flight, as StepFun's own CLI does
 * (stepfun-ai/Step-Realtime-CLI, packages/realtime/src/backend/stepfun-stateless.ts).
 */
const responseId = { response_id: z.string().optional() };
const audioDelta = { ...responseId, item_id: z.string(), delta: z.string() };
const audioDone = { ...responseId, item_id: z.string() };
const transcriptDone = { ...responseId, item_id: z.string(), transcript: z.string() };
const textDone = { ...responseId, item_id: z.string(), text: z.string() };

export const serverEventSchemas = {
  error: ev('error', {
    error: z
      .object({
        type: z.string().optional(),
        // A string in the reference's sample; the number 429 in what StepFun's console checks for.
        code: z.union([z.string(), z.number()]).nullable().optional(),
        message: z.string(),
        param: z.string().nullable().optional(),
        event_id: z.string().nullable().optional(),
      })
      .loose(),
  }),
  // Only "this connection is ready" matters: a session.created without its object still means that.
  'session.created': ev('session.created', { session: serverSession.default({}) }),
  'session.updated': ev('session.updated', { session: serverSession.default({}) }),
  'input_audio_buffer.speech_started': ev('input_audio_buffer.speech_started', {
    audio_start_ms: millis,
    item_id: z.string(),
  }),
  'input_audio_buffer.speech_stopped': ev('input_audio_buffer.speech_stopped', {
    audio_end_ms: millis,
    item_id: z.string(),
  }),
  'input_audio_buffer.committed': ev('input_audio_buffer.committed', {
    item_id: z.string(),
    previous_item_id: z.string().nullable().optional(),
  }),
  'input_audio_buffer.cleared': ev('input_audio_buffer.cleared', {}),
  'conversation.item.created': ev('conversation.item.created', {
    previous_item_id: z.string().nullable().optional(),
    item: conversationItemSchema.extend({ id: z.string() }),
  }),
  'conversation.item.input_audio_transcription.delta': ev(
    'conversation.item.input_audio_transcription.delta',
    { item_id: z.string(), delta: z.string() },
  ),
  'conversation.item.input_audio_transcription.completed': ev(
    'conversation.item.input_audio_transcription.completed',
    { item_id: z.string(), transcript: z.string() },
  ),
  'conversation.item.input_audio_transcription.failed': ev(
    'conversation.item.input_audio_transcription.failed',
    { item_id: z.string(), error: z.object({ message: z.string().optional() }).loose().optional() },
  ),
  'conversation.item.truncated': ev('conversation.item.truncated', {
    item_id: z.string(),
    audio_end_ms: millis,
  }),
  'conversation.item.deleted': ev('conversation.item.deleted', { item_id: z.string() }),
  'response.created': ev('response.created', { response: responseSchema.default({}) }),
  'response.done': ev('response.done', { response: responseSchema.default({}) }),
  /** The reference: response.cancel "服务器将返回一个 response.cancelled 事件". No sample: ids optional. */
  'response.cancelled': ev('response.cancelled', {
    ...responseId,
    response: z.object({ id: z.string().optional() }).loose().optional(),
  }),
  'response.output_item.added': ev('response.output_item.added', { ...responseId, item: z.unknown() }),
  'response.output_item.done': ev('response.output_item.done', { ...responseId, item: z.unknown() }),
  'response.content_part.added': ev('response.content_part.added', {
    ...responseId,
    item_id: z.string().optional(),
  }),
  'response.content_part.done': ev('response.content_part.done', {
    ...responseId,
    item_id: z.string().optional(),
  }),
  'response.audio.delta': ev('response.audio.delta', audioDelta),
  'response.audio.done': ev('response.audio.done', audioDone),
  'response.audio_transcript.delta': ev('response.audio_transcript.delta', audioDelta),
  'response.audio_transcript.done': ev('response.audio_transcript.done', transcriptDone),
  'response.text.delta': ev('response.text.delta', audioDelta),
  'response.text.done': ev('response.text.done', textDone),
  /** Think-while-speaking (reasoning and 3-preview models): the model's reasoning, never spoken. */
  'response.thinking.delta': ev('response.thinking.delta', {
    ...responseId,
    item_id: z.string().optional(),
    delta: z.string(),
  }),
  'response.thinking.done': ev('response.thinking.done', {
    ...responseId,
    item_id: z.string().optional(),
    thinking: z.string().optional(),
  }),
  /**
   * OpenAI sends `delta`; StepFun's guide samples send `{ call_id, name, arguments }` with neither
   * `delta` nor `response_id` (https://platform.stepfun.com/docs/zh/guides/developer/realtime).
   */
  'response.function_call_arguments.delta': ev('response.function_call_arguments.delta', {
    ...responseId,
    call_id: z.string().optional(),
    delta: z.string().optional(),
    arguments: z.string().optional(),
  }),
  'response.function_call_arguments.done': ev('response.function_call_arguments.done', {
    ...responseId,
    call_id: z.string().optional(),
    arguments: z.string(),
  }),
  'rate_limits.updated': ev('rate_limits.updated', { rate_limits: z.array(z.unknown()) }),
  /** StepFun's stateless endpoint restores the session after each reply (Step-Realtime-CLI). */
  'session.restored': ev('session.restored', {}),
} as const;

/** Newer OpenAI naming seen in the wild, mapped onto the names above at decode time. */
export const serverEventAliases: Readonly<Record<string, keyof typeof serverEventSchemas>> = {
  'response.output_audio.delta': 'response.audio.delta',
  'response.output_audio.done': 'response.audio.done',
  'response.output_audio_transcript.delta': 'response.audio_transcript.delta',
  'response.output_audio_transcript.done': 'response.audio_transcript.done',
  'response.output_text.delta': 'response.text.delta',
  'response.output_text.done': 'response.text.done',
};

export type KnownServerEventType = keyof typeof serverEventSchemas;
export type KnownServerEvent = {
  [K in KnownServerEventType]: z.infer<(typeof serverEventSchemas)[K]>;
}[KnownServerEventType];
export type ServerEventOf<T extends KnownServerEventType> = z.infer<(typeof serverEventSchemas)[T]>;

/** A well-formed event of a type we do not model: passed through, never thrown. */
export interface UnknownServerEvent {
  type: 'unknown';
  eventType: string;
  raw: Record<string, unknown>;
}

/** What was wrong with a frame, as a stable code (the reason text varies per frame). */
export type InvalidProblem = 'too_large' | 'malformed_json' | 'not_an_object' | 'no_type' | 'schema';

/** Input that is not a valid event: the reason and a bounded excerpt for the log. */
export interface InvalidEvent {
  type: 'invalid';
  problem: InvalidProblem;
  reason: string;
  eventType?: string;
  excerpt: string;
}

export type ServerEvent = KnownServerEvent | UnknownServerEvent | InvalidEvent;
