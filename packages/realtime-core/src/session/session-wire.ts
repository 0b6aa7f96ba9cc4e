// Translations between the session's own vocabulary and the wire protocol.
import type { ClientEvent, ServerEventOf } from '../protocol/index.ts';
import { RealtimeError } from './errors.ts';
import type { ProviderProfile } from './profile.ts';
import type { SessionConfig } from './types.ts';

export function sessionUpdateEvent(config: SessionConfig): ClientEvent {
  const td = config.turnDetection === undefined ? { type: 'server_vad' as const } : config.turnDetection;
  return {
    type: 'session.update',
    session: {
      modalities: ['text', 'audio'],
      instructions: config.instructions,
      voice: config.voice,
      input_audio_format: 'pcm16',
      output_audio_format: 'pcm16',
      turn_detection:
        td === null
          ? null
          : {
              type: 'server_vad',
              ...(td.threshold === undefined ? {} : { threshold: td.threshold }),
              ...(td.prefixPaddingMs === undefined ? {} : { prefix_padding_ms: td.prefixPaddingMs }),
              ...(td.silenceDurationMs === undefined ? {} : { silence_duration_ms: td.silenceDurationMs }),
            },
      ...(config.inputTranscription === false ? {} : { input_audio_transcription: {} }),
      ...(config.temperature === undefined ? {} : { temperature: config.temperature }),
    },
  };
}

/** Decides what a server `error` event means for the session. */
export function classifyServerError(
  event: ServerEventOf<'error'>,
  model: string,
  profile: ProviderProfile,
): { error: RealtimeError; appendRejected: boolean } {
  const { code, message, type } = event.error;
  const text = `${code ?? ''} ${type ?? ''} ${message}`.toLowerCase();
  const serverCode = code ?? type ?? undefined;
  if (/invalid_api_key|unauthori[sz]ed|authentication|invalid api key/.test(text)) {
    return {
      appendRejected: false,
      error: new RealtimeError(
        'auth_failed',
        'The realtime server rejected the API key. Check STEPFUN_API_KEY (create or copy a key in the StepFun console).',
        { recoverable: false, serverCode },
      ),
    };
  }
  if (/model_not_found|model not found|unknown model|invalid model/.test(text)) {
    const alias = profile.modelAliases[model];
    const hint = alias ? ` Try STEPFUN_MODEL=${alias}.` : '';
    return {
      appendRejected: false,
      error: new RealtimeError(
        'model_not_found',
        `The realtime server does not know model "${model}".${hint}`,
        {
          recoverable: false,
          serverCode,
        },
      ),
    };
  }
  if (/cannot_update_voice|voice cannot be changed/.test(text)) {
    return {
      appendRejected: false,
      error: new RealtimeError('voice_locked', `The server refused a voice change: ${message}`, {
        recoverable: true,
        serverCode,
      }),
    };
  }
  const appendRejected = /already committed|append.*(respond|in progress)/.test(text);
  return {
    appendRejected,
    error: new RealtimeError('server_error', `Realtime server error: ${message}`, {
      recoverable: true,
      serverCode,
    }),
  };
}
