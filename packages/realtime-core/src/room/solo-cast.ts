// One character whose model session runs server VAD: the room's labels and audio go to it, a
// closed turn gets trailing silence (speakers' transports send nothing in silence, so the server's
// VAD would never hear the end), and the server answers by itself. What a room did before scenes.
import { type CastDriver, type RoomSide, type TurnInfo, turnLabelText } from './cast-driver.ts';
import { listenToCastMember } from './cast-listener.ts';
import type { CastMember, ModelTranscript } from './ports.ts';
import { PromptQueue } from './prompt-queue.ts';
import { SoloCards } from './solo-cards.ts';
import { FALLBACK_SPEAKER_NAME } from './speaker-labels.ts';
import { TranscriptAttribution } from './transcript-attribution.ts';

/** Who spoke a turn: the room's label for them, and their id. */
type Who = { label: string; speakerId?: string };

export class SoloCast implements CastDriver {
  readonly live: readonly CastMember[];
  readonly #side: RoomSide;
  readonly #trailingSilence: Int16Array;
  readonly #attribution = new Map<CastMember, TranscriptAttribution<Who>>();
  readonly #cards = new Map<CastMember, SoloCards>();
  readonly #prompts = new PromptQueue();
  readonly #unwire: (() => void)[] = [];

  constructor(cast: readonly CastMember[], side: RoomSide, trailingSilenceMs: number) {
    this.live = [...cast];
    this.#side = side;
    this.#trailingSilence = new Int16Array(Math.round((side.modelRate * trailingSilenceMs) / 1000));
    for (const member of this.live) this.#wire(member);
  }

  names(): string[] {
    return this.live.map((c) => c.name);
  }

  get pendingAttributions(): number {
    return [...this.#attribution.values()].reduce((n, a) => n + a.pending, 0);
  }

  turnOpened(turn: TurnInfo): void {
    // Before the turn's audio: the server answers it with the instructions it has by then.
    for (const cards of this.#cards.values()) cards.turnOpened(turn.label);
    for (const { model } of this.live) model.addText('user', turnLabelText(turn));
    for (const a of this.#attribution.values()) a.turnOpened(turn);
  }

  audio(pcm: Int16Array): number {
    for (const { model } of this.live) model.appendAudio(pcm);
    return this.live.length;
  }

  turnClosed(turn: TurnInfo): void {
    const step = this.#side.modelRate / 50; // 20 ms, the size a live speaker's frames come in
    // The silence the turn already ended with counts: the model hears the turn-end silence once.
    const sent = Math.round(((turn.silentTailMs ?? 0) * this.#side.modelRate) / 1000);
    for (let at = Math.min(sent, this.#trailingSilence.length); at < this.#trailingSilence.length; at += step)
      for (const { model } of this.live) model.appendAudio(this.#trailingSilence.subarray(at, at + step));
    for (const a of this.#attribution.values()) a.turnClosed(turn);
  }

  turnCleared(): void {
    for (const { model } of this.live) model.clear();
  }

  prompt(instruction: string, character: CastMember = this.live[0]!): void {
    if (!this.#side.ended() && this.#prompts.admit(character, instruction))
      character.model.createResponse({ instructions: instruction });
  }

  replyEnded(): void {}

  interrupted(): void {}

  speakerOptedOut(): void {}

  close(): void {
    for (const unwire of this.#unwire.splice(0)) unwire();
    for (const cards of this.#cards.values()) cards.close();
  }

  #wire(member: CastMember): void {
    const side = this.#side;
    const attribution = new TranscriptAttribution<Who>({ label: FALLBACK_SPEAKER_NAME });
    this.#attribution.set(member, attribution);
    this.#cards.set(member, new SoloCards(member));
    const unlisten = listenToCastMember(member, {
      audio: (pcm, meta) => {
        if (!side.ended()) side.player.audio(member, pcm, meta);
      },
      audioDone: (meta) => side.player.finished(member, meta.responseId),
      responseCreated: () => this.#prompts.started(member),
      responseDone: (e) => {
        const next = this.#prompts.finished(member);
        side.player.finished(member, e.responseId);
        side.flushUsage();
        if (next !== undefined) this.prompt(next, member);
      },
      committed: (e) => {
        side.latency.committed();
        attribution.committed(e.itemId);
      },
      transcript: (t) => this.#onTranscript(member, attribution, t),
      error: (e) => {
        if (!e.recoverable) side.end('error', e.message, e.code);
      },
    });
    this.#unwire.push(unlisten);
  }

  #onTranscript(member: CastMember, attribution: TranscriptAttribution<Who>, t: ModelTranscript): void {
    if (!t.final) return;
    const text = t.text.trim();
    if (t.role === 'assistant') {
      if (!text) return;
      this.#cards.get(member)?.heard(member.name, text, true);
      this.#side.emit('transcript', {
        role: 'assistant',
        speaker: member.name,
        text,
        character: member.name,
      });
      return;
    }
    // Forgotten even when empty: an empty transcript must not leave its item behind.
    const who = attribution.speakerOf(t.itemId);
    if (!text) return;
    this.#cards.get(member)?.heard(who.label, text, false);
    // Every cast member transcribes the same speech; the first one's transcript is the room's.
    if (member === this.live[0])
      this.#side.emit('transcript', {
        role: 'user',
        speaker: who.label,
        ...(who.speakerId !== undefined ? { speakerId: who.speakerId } : {}),
        text,
        character: member.name,
      });
  }
}
