// Translations between the session's own vocabulary and the wire protocol, per provider dialect.
import type { ClientEvent, SessionConfigWire } from '../protocol/index.ts';
import type { ProviderProfile } from '../provider/profiles.ts';
import { turnDetectionWire } from '../provider/vad.ts';
import type { SessionConfig } from './types.ts';

type TurnDetectionWire = NonNullable<SessionConfigWire['turn_detection']>;

export function sessionUpdateEvent(config: SessionConfig, profile: ProviderProfile): ClientEvent {
  const td = config.turnDetection === undefined ? { type: 'server_vad' as const } : config.turnDetection;
  // StepFun transcribes user audio unasked and documents no setting for it; OpenAI needs one.
  const transcription = profile.transcriptionSetting && config.inputTranscription !== false;
  return {
    type: 'session.update',
    session: {
      modalities: ['text', 'audio'],
      instructions: config.instructions,
      voice: config.voice,
      input_audio_format: 'pcm16',
      output_audio_format: 'pcm16',
      turn_detection: turnDetectionWire(td, profile.dialect) as TurnDetectionWire | null,
      ...(transcription ? { input_audio_transcription: {} } : {}),
      ...(config.temperature === undefined ? {} : { temperature: config.temperature }),
    },
  };
}
