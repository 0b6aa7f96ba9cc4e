// Server -> client events in two dialects. `stepfun` follows the JSON samples of StepFun's realtime
// reference (https://platform.stepfun.com/docs/zh/api-reference/realtime/chat, "Server Event 列表")
// field for field; where a sample disagrees with its own field table, the sample wins (a server
// sends what its docs print) and the comment says so. `openai` is the OpenAI Realtime beta shape.

export type Dialect = 'stepfun' | 'openai';
export type WireEvent = Record<string, unknown> & { type: string };

export interface AssistantItemView {
  id: string;
  transcript: string;
  status: 'in_progress' | 'completed' | 'incomplete';
}

export interface SessionView {
  id: string;
  model: string;
  voice: string;
  instructions: string;
  turnDetection: Record<string, unknown> | null;
  transcription: unknown;
}

export interface Usage {
  inputTokens: number;
  outputTokens: number;
}

export interface ServerEventOptions {
  /** Type the session.updated event as `session.created`, as the reference's session.updated sample does. */
  sessionUpdatedAsCreated?: boolean;
  /** `audio_start_ms`/`audio_end_ms` as strings, as the speech_started field table says ("string"). */
  stringAudioMs?: boolean;
}

let counter = 0;
const nextId = () => (++counter).toString(36).padStart(6, '0');

/** Builds every server event the simulator sends, in one dialect. Pure apart from the event id counter. */
export class ServerEvents {
  readonly dialect: Dialect;
  readonly #opts: ServerEventOptions;
  /** Put in `response.audio.done`'s `response_id` by the stepfun dialect (the sample shows `"traceid"`). */
  readonly traceId: string;

  constructor(dialect: Dialect, traceId: string, opts: ServerEventOptions = {}) {
    this.dialect = dialect;
    this.traceId = traceId;
    this.#opts = opts;
  }

  get #stepfun(): boolean {
    return this.dialect === 'stepfun';
  }

  #ev(type: string, fields: Record<string, unknown> = {}): WireEvent {
    return { event_id: `event_${nextId()}`, type, ...fields };
  }

  #ms(ms: number): number | string {
    return this.#opts.stringAudioMs ? String(ms) : ms;
  }

  #session(s: SessionView, created: boolean): Record<string, unknown> {
    const common = {
      modalities: ['text', 'audio'],
      instructions: s.instructions,
      voice: s.voice,
      input_audio_format: 'pcm16',
      output_audio_format: 'pcm16',
    };
    if (this.#stepfun) {
      // session.created's sample carries id/object/model and `"max_response_output_tokens": "4096"` (a
      // string); session.updated's sample has no id and the number 4096. Both are sent as printed.
      const td = s.turnDetection ? { turn_detection: s.turnDetection } : {};
      return created
        ? {
            id: s.id,
            object: 'realtime.session',
            model: s.model,
            ...common,
            ...td,
            max_response_output_tokens: '4096',
          }
        : { ...common, ...td, max_response_output_tokens: 4096 };
    }
    return {
      id: s.id,
      object: 'realtime.session',
      model: s.model,
      ...common,
      input_audio_transcription: s.transcription ?? null,
      turn_detection: s.turnDetection,
      tools: [],
      tool_choice: 'auto',
      temperature: 0.8,
      max_response_output_tokens: 'inf',
    };
  }

  sessionCreated(s: SessionView): WireEvent {
    return this.#ev('session.created', { session: this.#session(s, true) });
  }

  sessionUpdated(s: SessionView): WireEvent {
    const type = this.#stepfun && this.#opts.sessionUpdatedAsCreated ? 'session.created' : 'session.updated';
    return this.#ev(type, { session: this.#session(s, false) });
  }

  speechStarted(ms: number, itemId: string): WireEvent {
    return this.#ev('input_audio_buffer.speech_started', { audio_start_ms: this.#ms(ms), item_id: itemId });
  }

  speechStopped(ms: number, itemId: string): WireEvent {
    return this.#ev('input_audio_buffer.speech_stopped', { audio_end_ms: this.#ms(ms), item_id: itemId });
  }

  committed(itemId: string, previous: string | null): WireEvent {
    return this.#ev('input_audio_buffer.committed', { previous_item_id: previous, item_id: itemId });
  }

  cleared(): WireEvent {
    return this.#ev('input_audio_buffer.cleared');
  }

  itemCreated(item: Record<string, unknown>, previous: string | null): WireEvent {
    return this.#ev('conversation.item.created', {
      previous_item_id: previous,
      item: { object: 'realtime.item', ...item },
    });
  }

  /** The server's ASR of a committed user item: documented without any session setting. */
  transcriptionCompleted(itemId: string, transcript: string): WireEvent {
    return this.#ev('conversation.item.input_audio_transcription.completed', {
      item_id: itemId,
      content_index: 0,
      transcript,
    });
  }

  itemTruncated(itemId: string, audioEndMs: number): WireEvent {
    return this.#ev('conversation.item.truncated', {
      item_id: itemId,
      content_index: 0,
      audio_end_ms: audioEndMs,
    });
  }

  itemDeleted(itemId: string): WireEvent {
    return this.#ev('conversation.item.deleted', { item_id: itemId });
  }

  #assistantItem(item: AssistantItemView, withContent: boolean): Record<string, unknown> {
    return {
      id: item.id,
      object: 'realtime.item',
      type: 'message',
      status: item.status,
      role: 'assistant',
      content: withContent ? [{ type: 'audio', transcript: item.transcript }] : [],
    };
  }

  responseCreated(responseId: string): WireEvent {
    const response = {
      id: responseId,
      object: 'realtime.response',
      status: 'in_progress',
      status_details: null,
      output: [],
    };
    return this.#ev('response.created', { response });
  }

  outputItemAdded(responseId: string, item: AssistantItemView): WireEvent {
    return this.#ev('response.output_item.added', {
      response_id: responseId,
      output_index: 0,
      item: this.#assistantItem(item, false),
    });
  }

  assistantItemCreated(item: AssistantItemView, previous: string | null): WireEvent {
    return this.#ev('conversation.item.created', {
      previous_item_id: previous,
      item: this.#assistantItem(item, false),
    });
  }

  contentPartAdded(
    responseId: string,
    itemId: string,
    part: 'audio' | 'text' | 'thinking',
    index: number,
  ): WireEvent {
    const parts = {
      audio: { type: 'audio', transcript: '' },
      text: { type: 'text', text: '' },
      thinking: { type: 'thinking', thinking: '' },
    };
    return this.#ev('response.content_part.added', {
      response_id: responseId,
      item_id: itemId,
      output_index: 0,
      content_index: index,
      part: parts[part],
    });
  }

  /** response.text.delta/done: the reference's samples carry response_id and both indexes. */
  textDelta(responseId: string, itemId: string, delta: string): WireEvent {
    return this.#ev('response.text.delta', {
      response_id: responseId,
      item_id: itemId,
      output_index: 0,
      content_index: 0,
      delta,
    });
  }

  textDone(responseId: string, itemId: string, text: string): WireEvent {
    return this.#ev('response.text.done', {
      response_id: responseId,
      item_id: itemId,
      output_index: 0,
      content_index: 0,
      text,
    });
  }

  /** stepfun: the sample has only `item_id` and `delta` (no `response_id`, no indexes). */
  audioDelta(responseId: string, itemId: string, delta: string): WireEvent {
    if (this.#stepfun) return this.#ev('response.audio.delta', { item_id: itemId, delta });
    return this.#ev('response.audio.delta', {
      response_id: responseId,
      item_id: itemId,
      output_index: 0,
      content_index: 0,
      delta,
    });
  }

  /** stepfun: the sample has `item_id`, `output_index` and `delta` (no `response_id`). */
  transcriptDelta(responseId: string, itemId: string, delta: string): WireEvent {
    if (this.#stepfun)
      return this.#ev('response.audio_transcript.delta', { item_id: itemId, output_index: 0, delta });
    return this.#ev('response.audio_transcript.delta', {
      response_id: responseId,
      item_id: itemId,
      output_index: 0,
      content_index: 0,
      delta,
    });
  }

  /** Think-while-speaking (response.thinking.*): documented for the reasoning and 3-preview models. */
  thinkingDelta(responseId: string, itemId: string, delta: string): WireEvent {
    return this.#ev('response.thinking.delta', {
      response_id: responseId,
      item_id: itemId,
      output_index: 0,
      content_index: 1,
      delta,
    });
  }

  thinkingDone(responseId: string, itemId: string, thinking: string): WireEvent {
    return this.#ev('response.thinking.done', {
      response_id: responseId,
      item_id: itemId,
      output_index: 0,
      content_index: 1,
      thinking,
    });
  }

  /** stepfun: the sample's `response_id` is `"traceid"`; this server puts its X-Trace-Id there. */
  audioDone(responseId: string, itemId: string): WireEvent {
    if (this.#stepfun) return this.#ev('response.audio.done', { response_id: this.traceId, item_id: itemId });
    return this.#ev('response.audio.done', {
      response_id: responseId,
      item_id: itemId,
      output_index: 0,
      content_index: 0,
    });
  }

  transcriptDone(responseId: string, itemId: string, transcript: string): WireEvent {
    const indexes = this.#stepfun ? { content_index: 0 } : { output_index: 0, content_index: 0 };
    return this.#ev('response.audio_transcript.done', {
      response_id: responseId,
      item_id: itemId,
      ...indexes,
      transcript,
    });
  }

  contentPartDone(responseId: string, itemId: string, transcript: string): WireEvent {
    return this.#ev('response.content_part.done', {
      response_id: responseId,
      item_id: itemId,
      output_index: 0,
      content_index: 0,
      part: { type: 'audio', transcript },
    });
  }

  outputItemDone(responseId: string, item: AssistantItemView): WireEvent {
    return this.#ev('response.output_item.done', {
      response_id: responseId,
      output_index: 0,
      item: this.#assistantItem(item, true),
    });
  }

  responseDone(
    responseId: string,
    status: 'completed' | 'cancelled',
    item: AssistantItemView,
    usage: Usage,
  ): WireEvent {
    const response = {
      id: responseId,
      object: 'realtime.response',
      status,
      status_details: status === 'cancelled' ? { type: 'cancelled', reason: 'client_cancelled' } : null,
      output: [this.#assistantItem(item, true)],
      usage: {
        total_tokens: usage.inputTokens + usage.outputTokens,
        input_tokens: usage.inputTokens,
        output_tokens: usage.outputTokens,
      },
    };
    return this.#ev('response.done', { response });
  }

  /**
   * The reference: "服务器将返回一个 response.cancelled 事件" (response.cancel section). It prints no
   * sample, so the fields are a guess: the response id, as every other response event has.
   */
  responseCancelled(responseId: string): WireEvent {
    return this.#ev('response.cancelled', { response_id: responseId });
  }

  /** Listed after response.done in the developer guide's event tables; no sample, OpenAI's shape. */
  rateLimits(requests: { limit: number; remaining: number; resetSeconds: number }): WireEvent {
    return this.#ev('rate_limits.updated', {
      rate_limits: [
        {
          name: 'requests',
          limit: requests.limit,
          remaining: requests.remaining,
          reset_seconds: requests.resetSeconds,
        },
      ],
    });
  }
}
