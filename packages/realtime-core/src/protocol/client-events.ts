// Client -> server events of the StepFun realtime API (OpenAI Realtime beta event set).
import { z } from 'zod';

const eventId = { event_id: z.string().optional() };

/**
 * Server VAD settings; `null` turns it off (manual commit + response.create). StepFun documents
 * `energy_awakeness_threshold` (0–5000); OpenAI documents `threshold` (0–1).
 */
export const turnDetectionSchema = z
  .object({
    type: z.literal('server_vad'),
    threshold: z.number().min(0).max(1).optional(),
    energy_awakeness_threshold: z.number().int().min(0).max(5000).optional(),
    prefix_padding_ms: z.number().int().min(0).optional(),
    silence_duration_ms: z.number().int().min(0).optional(),
  })
  .loose();

export const sessionConfigWireSchema = z
  .object({
    modalities: z.array(z.enum(['text', 'audio'])).optional(),
    instructions: z.string().optional(),
    voice: z.string().optional(),
    input_audio_format: z.literal('pcm16').optional(),
    output_audio_format: z.literal('pcm16').optional(),
    input_audio_transcription: z.object({ model: z.string().optional() }).loose().nullable().optional(),
    turn_detection: turnDetectionSchema.nullable().optional(),
    temperature: z.number().optional(),
    max_response_output_tokens: z.union([z.number(), z.string()]).optional(),
    tools: z.array(z.unknown()).optional(),
  })
  .loose();

const contentPart = z
  .object({
    type: z.enum(['input_text', 'input_audio', 'text', 'audio', 'output_text', 'output_audio']),
    text: z.string().optional(),
    audio: z.string().optional(),
    transcript: z.string().nullable().optional(),
  })
  .loose();

export const conversationItemSchema = z
  .object({
    id: z.string().optional(),
    type: z.enum(['message', 'function_call', 'function_call_output']),
    role: z.enum(['user', 'assistant', 'system']).optional(),
    status: z.string().optional(),
    content: z.array(contentPart).optional(),
  })
  .loose();

export const clientEventSchemas = {
  'session.update': z.object({
    type: z.literal('session.update'),
    ...eventId,
    session: sessionConfigWireSchema,
  }),
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
    item: conversationItemSchema,
  }),
  'conversation.item.truncate': z.object({
    type: z.literal('conversation.item.truncate'),
    ...eventId,
    item_id: z.string(),
    content_index: z.number().int().min(0),
    audio_end_ms: z.number().int().min(0),
  }),
  'conversation.item.delete': z.object({
    type: z.literal('conversation.item.delete'),
    ...eventId,
    item_id: z.string(),
  }),
  'response.create': z.object({
    type: z.literal('response.create'),
    ...eventId,
    response: z
      .object({
        instructions: z.string().optional(),
        voice: z.string().optional(),
        modalities: z.array(z.enum(['text', 'audio'])).optional(),
      })
      .loose()
      .optional(),
  }),
  'response.cancel': z.object({
    type: z.literal('response.cancel'),
    ...eventId,
    response_id: z.string().optional(),
  }),
} as const;

export type ClientEventType = keyof typeof clientEventSchemas;
export type ClientEvent = {
  [K in ClientEventType]: z.infer<(typeof clientEventSchemas)[K]>;
}[ClientEventType];
export type ClientEventOf<T extends ClientEventType> = z.infer<(typeof clientEventSchemas)[T]>;
export type SessionConfigWire = z.infer<typeof sessionConfigWireSchema>;
export type ConversationItem = z.infer<typeof conversationItemSchema>;
