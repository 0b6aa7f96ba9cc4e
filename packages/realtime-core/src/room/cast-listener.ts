// Listening to a cast member's model session: one handler object per member, and the function
// that detaches every listener again when the room ends (a closed room holds no session's events).
import type { CastMember, ModelAudioMeta, ModelError, ModelTranscript } from './ports.ts';

export interface CastHandlers {
  audio(pcm: Int16Array, meta: ModelAudioMeta): void;
  audioDone(meta: ModelAudioMeta): void;
  responseCreated(event: { responseId: string }): void;
  responseDone(event: { responseId: string }): void;
  committed(event: { itemId: string }): void;
  transcript(event: ModelTranscript): void;
  error(error: ModelError): void;
}

/** Subscribes `handlers` to `member`'s model; returns the unsubscribe. */
export function listenToCastMember(member: CastMember, handlers: CastHandlers): () => void {
  const m = member.model;
  const h = {
    audio: (pcm: Int16Array, meta: ModelAudioMeta) => handlers.audio(pcm, meta),
    audioDone: (meta: ModelAudioMeta) => handlers.audioDone(meta),
    responseCreated: (e: { responseId: string }) => handlers.responseCreated(e),
    responseDone: (e: { responseId: string }) => handlers.responseDone(e),
    committed: (e: { itemId: string }) => handlers.committed(e),
    transcript: (t: ModelTranscript) => handlers.transcript(t),
    error: (e: ModelError) => handlers.error(e),
  };
  m.on('audio', h.audio);
  m.on('audioDone', h.audioDone);
  m.on('responseCreated', h.responseCreated);
  m.on('responseDone', h.responseDone);
  m.on('committed', h.committed);
  m.on('transcript', h.transcript);
  m.on('error', h.error);
  return () => {
    m.off('audio', h.audio);
    m.off('audioDone', h.audioDone);
    m.off('responseCreated', h.responseCreated);
    m.off('responseDone', h.responseDone);
    m.off('committed', h.committed);
    m.off('transcript', h.transcript);
    m.off('error', h.error);
  };
}
