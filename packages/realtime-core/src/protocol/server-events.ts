// Server -> client events. Schemas are strict on the fields we read and loose on the rest,
// so a provider adding fields never breaks us.
import { z } from 'zod';
import { conversationItemSchema, sessionConfigWireSchema } from './client-events.ts';

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

const responseSchema = z
  .object({
    id: z.string(),
    status: z.string().optional(),
    status_details: z.unknown().optional(),
    output: z.array(z.unknown()).optional(),
    usage: usageSchema.nullable().optional(),
  })
  .loose();

const audioDelta = { response_id: z.string(), item_id: z.string(), delta: z.string() };
const audioDone = { response_id: z.string(), item_id: z.string() };
const transcriptDone = { response_id: z.string(), item_id: z.string(), transcript: z.string() };
const textDone = { response_id: z.string(), item_id: z.string(), text: z.string() };

export const serverEventSchemas = {
  error: ev('error', {
    error: z
      .object({
        type: z.string().optional(),
        code: z.string().nullable().optional(),
        message: z.string(),
        param: z.string().nullable().optional(),
        event_id: z.string().nullable().optional(),
      })
      .loose(),
  }),
  'session.created': ev('session.created', {
    session: sessionConfigWireSchema.extend({ id: z.string().optional() }),
  }),
  'session.updated': ev('session.updated', {
    session: sessionConfigWireSchema.extend({ id: z.string().optional() }),
  }),
  'input_audio_buffer.speech_started': ev('input_audio_buffer.speech_started', {
    audio_start_ms: z.number(),
    item_id: z.string(),
  }),
  'input_audio_buffer.speech_stopped': ev('input_audio_buffer.speech_stopped', {
    audio_end_ms: z.number(),
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
    {
      item_id: z.string(),
      delta: z.string(),
    },
  ),
  'conversation.item.input_audio_transcription.completed': ev(
    'conversation.item.input_audio_transcription.completed',
    { item_id: z.string(), transcript: z.string() },
  ),
  'conversation.item.input_audio_transcription.failed': ev(
    'conversation.item.input_audio_transcription.failed',
    {
      item_id: z.string(),
      error: z.object({ message: z.string().optional() }).loose().optional(),
    },
  ),
  'conversation.item.truncated': ev('conversation.item.truncated', {
    item_id: z.string(),
    audio_end_ms: z.number(),
  }),
  'conversation.item.deleted': ev('conversation.item.deleted', { item_id: z.string() }),
  'response.created': ev('response.created', { response: responseSchema }),
  'response.done': ev('response.done', { response: responseSchema }),
  'response.output_item.added': ev('response.output_item.added', {
    response_id: z.string(),
    item: z.unknown(),
  }),
  'response.output_item.done': ev('response.output_item.done', {
    response_id: z.string(),
    item: z.unknown(),
  }),
  'response.content_part.added': ev('response.content_part.added', {
    response_id: z.string(),
    item_id: z.string(),
  }),
  'response.content_part.done': ev('response.content_part.done', {
    response_id: z.string(),
    item_id: z.string(),
  }),
  'response.audio.delta': ev('response.audio.delta', audioDelta),
  'response.audio.done': ev('response.audio.done', audioDone),
  'response.audio_transcript.delta': ev('response.audio_transcript.delta', audioDelta),
  'response.audio_transcript.done': ev('response.audio_transcript.done', transcriptDone),
  'response.text.delta': ev('response.text.delta', audioDelta),
  'response.text.done': ev('response.text.done', textDone),
  'response.function_call_arguments.delta': ev('response.function_call_arguments.delta', {
    response_id: z.string(),
    delta: z.string(),
  }),
  'response.function_call_arguments.done': ev('response.function_call_arguments.done', {
    response_id: z.string(),
    arguments: z.string(),
  }),
  'rate_limits.updated': ev('rate_limits.updated', { rate_limits: z.array(z.unknown()) }),
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
