// Unit-test doubles for a room's two seams: a model session a test plays by hand, and a sink that
// records what was handed to it and when. Fakes of one seam, for unit tests only.
import { MODEL_RATE } from '../audio/frames.ts';
import type { ModelAudioMeta, ModelError, ModelTranscript, OutputFrame } from '../room/ports.ts';
import type { ScenePort } from '../room/scene/scene-types.ts';
import type { Clock } from '../session/clock.ts';
import { TypedEmitter } from '../util/typed-emitter.ts';

type FakeModelEvents = {
  audio: [pcm: Int16Array, meta: ModelAudioMeta];
  audioDone: [meta: ModelAudioMeta];
  responseCreated: [event: { responseId: string }];
  responseDone: [event: { responseId: string }];
  committed: [event: { itemId: string }];
  transcript: [event: ModelTranscript];
  error: [error: ModelError];
  rolledOver: [];
  reconnected: [event: { reason: string }];
};

/** What the room asked of the model, in order. */
export type ModelCall =
  | { type: 'audio'; pcm: Int16Array }
  | { type: 'text'; text: string; role?: 'user' | 'assistant' | 'system' }
  | { type: 'clear' }
  | { type: 'commit' }
  | { type: 'instructions'; text: string }
  | { type: 'response'; instructions: string | undefined }
  | { type: 'cancel' }
  | { type: 'truncate'; itemId: string; ms: number };

/** A labelled stretch of what the model heard: the label, then the audio that followed it. */
export interface HeardTurn {
  label: string;
  /** All the audio after the label, trailing silence included. */
  samples: Int16Array;
}

/** A fake model session for a room (ModelPort) or a scene (ScenePort: manual commits, any text role, instructions). */
export class FakeModel extends TypedEmitter<FakeModelEvents> implements ScenePort {
  readonly calls: ModelCall[] = [];
  /** Whether the fake takes instructions with each reply request (as a profile with `responseInstructions`). */
  perResponseInstructions = false;

  appendAudio(pcm: Int16Array): void {
    this.calls.push({ type: 'audio', pcm: pcm.slice() });
  }

  clear(): void {
    this.calls.push({ type: 'clear' });
  }

  addText(role: 'user' | 'assistant' | 'system', text: string): void {
    this.calls.push(role === 'user' ? { type: 'text', text } : { type: 'text', text, role });
  }

  setInstructions(text: string): void {
    this.calls.push({ type: 'instructions', text });
  }

  createResponse(options: { instructions?: string } = {}): void {
    this.calls.push({ type: 'response', instructions: options.instructions });
  }

  cancelResponse(): void {
    this.calls.push({ type: 'cancel' });
  }

  truncate(itemId: string, audioEndMs: number): void {
    this.calls.push({ type: 'truncate', itemId, ms: audioEndMs });
  }

  // ---- the test plays the model ----

  /** A reply starts (the server's response.created). */
  created(responseId: string): void {
    this.emit('responseCreated', { responseId });
  }

  /** Streams `ms` of reply audio (each sample = `value`) for a response. */
  speak(responseId: string, ms: number, opts: { itemId?: string; value?: number } = {}): void {
    const pcm = new Int16Array((MODEL_RATE * ms) / 1000).fill(opts.value ?? 1000);
    this.emit('audio', pcm, { responseId, itemId: opts.itemId ?? `item_${responseId}` });
  }

  /** Streams the given reply audio (mono PCM16 at the model rate). */
  stream(responseId: string, pcm: Int16Array, itemId = `item_${responseId}`): void {
    this.emit('audio', pcm, { responseId, itemId });
  }

  finish(responseId: string, itemId = `item_${responseId}`): void {
    this.emit('audioDone', { responseId, itemId });
    this.emit('responseDone', { responseId });
  }

  /** The server's response.done alone (e.g. confirming a cancel). */
  emitDone(responseId: string): void {
    this.emit('responseDone', { responseId });
  }

  /**
   * Without an id: the client commits its input (a scene's manual turn). With one: the test plays
   * the server committing item `itemId` (input_audio_buffer.committed).
   */
  commit(itemId?: string): void {
    if (itemId === undefined) this.calls.push({ type: 'commit' });
    else this.emit('committed', { itemId });
  }

  /** The session rolled over to a new connection. */
  rollOver(): void {
    this.emit('rolledOver');
  }

  /** The session reconnected (after a drop, a voice change or a reset). */
  reconnect(reason: string): void {
    this.emit('reconnected', { reason });
  }

  transcribe(role: 'user' | 'assistant', itemId: string, text: string): void {
    this.emit('transcript', { role, itemId, text, final: true });
  }

  fail(error: ModelError): void {
    this.emit('error', error);
  }

  // ---- what the model received ----

  get labels(): string[] {
    return this.calls.flatMap((c) => (c.type === 'text' ? [c.text] : []));
  }

  /** Text items of one role, in order. */
  texts(role: 'user' | 'assistant' | 'system' = 'user'): string[] {
    return this.calls.flatMap((c) => (c.type === 'text' && (c.role ?? 'user') === role ? [c.text] : []));
  }

  get truncations(): { itemId: string; ms: number }[] {
    return this.calls.flatMap((c) => (c.type === 'truncate' ? [{ itemId: c.itemId, ms: c.ms }] : []));
  }

  count(type: ModelCall['type']): number {
    return this.calls.filter((c) => c.type === type).length;
  }

  /** Audio received, in milliseconds at the model rate. */
  get audioMs(): number {
    return this.calls.reduce((n, c) => n + (c.type === 'audio' ? c.pcm.length : 0), 0) / (MODEL_RATE / 1000);
  }

  /** The conversation as the model heard it: each label and the audio after it. */
  turns(): HeardTurn[] {
    const out: { label: string; parts: Int16Array[] }[] = [];
    for (const c of this.calls) {
      if (c.type === 'text') out.push({ label: c.text, parts: [] });
      else if (c.type === 'audio') out.at(-1)?.parts.push(c.pcm);
    }
    return out.map(({ label, parts }) => {
      const samples = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
      let at = 0;
      for (const p of parts) {
        samples.set(p, at);
        at += p.length;
      }
      return { label, samples };
    });
  }
}

export interface SinkEntry {
  at: number;
  kind: OutputFrame['kind'];
  responseId?: string;
  index?: number;
  cause?: 'underrun' | 'trailing';
  samples: number;
  sampleRate: number;
  channels: number;
}

/** A sink that records each frame it was handed, and when, on the test's clock. */
export class RecordingSink {
  readonly frames: SinkEntry[] = [];
  quietCalls = 0;
  /** Called with each frame as it is handed over (e.g. to encode it, as a real sink would). */
  onFrame: ((frame: OutputFrame) => void) | undefined;
  readonly #clock: Pick<Clock, 'now'>;

  constructor(clock: Pick<Clock, 'now'>) {
    this.#clock = clock;
  }

  play(frame: OutputFrame): void {
    const base = { at: this.#clock.now(), kind: frame.kind, samples: frame.pcm.length };
    const format = { sampleRate: frame.sampleRate, channels: frame.channels };
    this.frames.push(
      frame.kind === 'audio'
        ? { ...base, ...format, responseId: frame.responseId, index: frame.index }
        : { ...base, ...format, cause: frame.cause },
    );
    this.onFrame?.(frame);
  }

  quiet(): void {
    this.quietCalls++;
  }

  /** Audio frames of `responseId` (or all), in order. */
  audio(responseId?: string): SinkEntry[] {
    return this.frames.filter((f) => f.kind === 'audio' && (!responseId || f.responseId === responseId));
  }

  silence(cause?: 'underrun' | 'trailing'): SinkEntry[] {
    return this.frames.filter((f) => f.kind === 'silence' && (!cause || f.cause === cause));
  }
}
