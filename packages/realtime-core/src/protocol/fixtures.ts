// One well-formed example of every server event we model (OpenAI-style ids everywhere), for the
// codec's round-trip tests and the fuzz test. StepFun's own samples are in stepfun-samples.ts.
import type { KnownServerEvent, KnownServerEventType } from './server-events.ts';

const r = { response_id: 'resp_1', item_id: 'item_2' };
const response = { id: 'resp_1', status: 'completed', output: [], usage: { total_tokens: 10 } };
const item = { id: 'item_1', type: 'message' as const, role: 'user' as const, content: [] };

export const serverEventFixtures: { [K in KnownServerEventType]: Extract<KnownServerEvent, { type: K }> } = {
  error: { type: 'error', error: { type: 'invalid_request_error', code: 'bad', message: 'bad thing' } },
  'session.created': { type: 'session.created', session: { id: 'sess_1', voice: 'qingchunshaonv' } },
  'session.updated': { type: 'session.updated', session: { voice: 'qingchunshaonv', instructions: 'x' } },
  'input_audio_buffer.speech_started': {
    type: 'input_audio_buffer.speech_started',
    audio_start_ms: 100,
    item_id: 'i',
  },
  'input_audio_buffer.speech_stopped': {
    type: 'input_audio_buffer.speech_stopped',
    audio_end_ms: 900,
    item_id: 'i',
  },
  'input_audio_buffer.committed': {
    type: 'input_audio_buffer.committed',
    item_id: 'i',
    previous_item_id: null,
  },
  'input_audio_buffer.cleared': { type: 'input_audio_buffer.cleared' },
  'conversation.item.created': { type: 'conversation.item.created', previous_item_id: null, item },
  'conversation.item.input_audio_transcription.delta': {
    type: 'conversation.item.input_audio_transcription.delta',
    item_id: 'i',
    delta: 'he',
  },
  'conversation.item.input_audio_transcription.completed': {
    type: 'conversation.item.input_audio_transcription.completed',
    item_id: 'i',
    transcript: 'hello',
  },
  'conversation.item.input_audio_transcription.failed': {
    type: 'conversation.item.input_audio_transcription.failed',
    item_id: 'i',
    error: { message: 'no speech' },
  },
  'conversation.item.truncated': { type: 'conversation.item.truncated', item_id: 'i', audio_end_ms: 400 },
  'conversation.item.deleted': { type: 'conversation.item.deleted', item_id: 'i' },
  'response.created': { type: 'response.created', response: { id: 'resp_1', status: 'in_progress' } },
  'response.done': { type: 'response.done', response },
  'response.cancelled': { type: 'response.cancelled', response_id: 'resp_1' },
  'response.output_item.added': { type: 'response.output_item.added', response_id: 'resp_1', item },
  'response.output_item.done': { type: 'response.output_item.done', response_id: 'resp_1', item },
  'response.content_part.added': { type: 'response.content_part.added', ...r },
  'response.content_part.done': { type: 'response.content_part.done', ...r },
  'response.audio.delta': { type: 'response.audio.delta', ...r, delta: 'AAABAA==' },
  'response.audio.done': { type: 'response.audio.done', ...r },
  'response.audio_transcript.delta': { type: 'response.audio_transcript.delta', ...r, delta: 'Hel' },
  'response.audio_transcript.done': { type: 'response.audio_transcript.done', ...r, transcript: 'Hello' },
  'response.text.delta': { type: 'response.text.delta', ...r, delta: 'Hel' },
  'response.text.done': { type: 'response.text.done', ...r, text: 'Hello' },
  'response.function_call_arguments.delta': {
    type: 'response.function_call_arguments.delta',
    response_id: 'resp_1',
    delta: '{',
  },
  'response.function_call_arguments.done': {
    type: 'response.function_call_arguments.done',
    response_id: 'resp_1',
    arguments: '{}',
  },
  'response.thinking.delta': { type: 'response.thinking.delta', ...r, delta: 'Hm' },
  'response.thinking.done': { type: 'response.thinking.done', ...r, thinking: 'Hm.' },
  'rate_limits.updated': { type: 'rate_limits.updated', rate_limits: [] },
  'session.restored': { type: 'session.restored' },
};
