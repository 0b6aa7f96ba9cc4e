// One conversation: people speak (labelled PCM in), characters answer (timed frames out). The
// room decides who holds the floor, what is held for whoever waits, when a turn closes, when a
// speaker interrupts a reply, and who said what; the model sessions, the sink and the clock are
// injected, so every rule runs in a unit test in milliseconds. Its transport (Discord, a web
// page, a phone line) only decodes what it receives and encodes what it is handed. Its cast
// driver decides how turns reach the characters: one character on server VAD (SoloCast), or an
// ensemble scene with a director (EnsembleCast, docs/scenes.md).
import { MODEL_RATE } from '../audio/frames.ts';
import { samplesToMs } from '../audio/pcm.ts';
import type { Clock } from '../session/clock.ts';
import { TypedEmitter } from '../util/typed-emitter.ts';
import type { AllRoomEvents, CastDriver, RoomSide } from './cast-driver.ts';
import type { CastMember, RoomEndReason } from './ports.ts';
import type { Reply } from './reply.ts';
import { ReplyPlayer } from './reply-player.ts';
import {
  DEFAULT_ROOM_TUNING,
  type RoomOptions,
  type RoomState,
  type RoomStatus,
  type RoomTuning,
  type SpeakerFrame,
} from './room-options.ts';
import { EnsembleCast } from './scene/ensemble-cast.ts';
import type { SceneControl } from './scene/scene-types.ts';
import { SoloCast } from './solo-cast.ts';
import { SpeakerLabels } from './speaker-labels.ts';
import { type Speaker, SpeakerTable } from './speakers.ts';
import { isSpeech, rmsAt, silenceOf } from './speech-gate.ts';
import { TurnLatencyClock } from './turn-latency.ts';
import { TurnTiming } from './turn-timing.ts';
import { UsageMeter } from './usage-meter.ts';

/** Speakers heard within this window count as present (for addressed-only scenes without a presence count). */
const PRESENT_WITHIN_MS = 10 * 60_000;

export class Room extends TypedEmitter<AllRoomEvents> {
  #state: RoomState = { status: 'quiet' };
  readonly #driver: CastDriver;
  readonly #scene: EnsembleCast | undefined;
  readonly #clock: Clock;
  readonly #tuning: RoomTuning;
  readonly #modelRate: number;
  readonly #policy: (speakerId: string) => boolean;
  /** Speakers opted out through `optOut()`, whatever the policy says. */
  readonly #optedOut = new Set<string>();
  readonly #speakers = new SpeakerTable();
  readonly #labels: SpeakerLabels;
  readonly #latency: TurnLatencyClock;
  readonly #usage = new UsageMeter();
  readonly #player: ReplyPlayer;
  readonly #usageTimer: unknown;
  /** The floor's checks by the clock: a waiting speaker at the holder's hangover, a turn at its end silence. */
  readonly #timing: TurnTiming;
  /** RMS above which a frame is speech (the speech gate). */
  readonly #gateRms: number;
  bargeIns = 0;
  underruns = 0;
  droppedHeldMs = 0;

  constructor(options: RoomOptions) {
    super();
    const cast = options.cast ?? [];
    if (options.scene ? cast.length > 0 : cast.length !== 1)
      throw new RangeError(
        options.scene
          ? 'a scene room takes its characters from `scene`, not `cast`'
          : `a room without a scene plays exactly one character (got ${cast.length}); pass \`scene\` for an ensemble`,
      );
    this.#clock = options.clock;
    this.#tuning = { ...DEFAULT_ROOM_TUNING, ...options.tuning };
    this.#gateRms = rmsAt(this.#tuning.speechLevelDbfs);
    this.#timing = new TurnTiming({
      clock: this.#clock,
      tuning: this.#tuning,
      state: () => this.#state,
      someoneWaiting: () => this.#speakers.longestWaiting() !== undefined,
      passFloor: () => this.#passFloor(),
    });
    this.#modelRate = options.modelRate ?? MODEL_RATE;
    this.#policy = options.isOptedOut ?? (() => false);
    this.#labels = new SpeakerLabels(() => this.#driver.names());
    this.#latency = new TurnLatencyClock(() => this.#clock.now());
    this.#player = new ReplyPlayer({
      sink: options.sink,
      clock: options.clock,
      output: options.output ?? { sampleRate: this.#modelRate, channels: 1 },
      modelRate: this.#modelRate,
      preRollFrames: this.#tuning.preRollFrames,
      maxAheadMs: this.#tuning.maxAheadMs,
      maxMissedFrames: this.#tuning.maxMissedFrames,
      listener: {
        replyCreated: () => this.#latency.firstAudio(),
        started: (reply) => this.#onReplyStarted(reply),
        ended: (report) => {
          this.underruns += report.underruns;
          this.#flushUsage();
          this.#driver.replyEnded(report);
        },
        bargeInSettled: (e) => this.emit('bargeIn', e),
      },
    });
    const { logger } = options;
    // A listener's bug is the listener's: logged, it never breaks the conversation (or the process).
    if (logger)
      this.onListenerError = (err, event) => logger.error({ err, event }, 'room event listener threw');
    const side = this.#side();
    this.#scene = options.scene ? new EnsembleCast(options.scene, side) : undefined;
    this.#driver = this.#scene ?? new SoloCast(cast, side, this.#tuning.trailingSilenceMs);
    this.#usageTimer = this.#clock.setInterval(() => this.#flushUsage(), this.#tuning.usageFlushMs);
  }

  get state(): RoomState {
    return this.#state;
  }

  /** The characters whose model sessions are connected (a scene connects the others when needed). */
  get cast(): readonly CastMember[] {
    return this.#driver.live;
  }

  /** The scene's controls (add, remove, mode, next, memory), when the room plays one. */
  get scene(): SceneControl | undefined {
    return this.#scene;
  }

  /** Introduces a speaker (or renames one): their label is derived from `displayName`. */
  addSpeaker(speakerId: string, displayName: string): void {
    this.#speakers.ensure(speakerId, displayName);
  }

  /**
   * A speaker's frame, any supported rate and channels. Only speech (above the gate) opens a turn or
   * interrupts; the holder's pauses reach the model at their true length (rebuilt from arrival
   * times), and their turn ends after the turn-end silence (`trailingSilenceMs`), never earlier.
   */
  hear(speakerId: string, frame: SpeakerFrame): void {
    if (this.#state.status === 'ended') return;
    const s = this.#speakers.ensure(speakerId);
    if (this.#isOptedOut(s.id)) {
      this.#silence(s);
      return;
    }
    const pcm = s.toModel(frame, this.#modelRate);
    if (pcm.length === 0) return;
    const now = this.#clock.now();
    const loud = isSpeech(pcm, this.#gateRms);
    const gapMs = s.pauseBefore(now, this.#tuning.minGapMs);
    const wasHolder = this.#state.status === 'turn' && this.#state.speaker === s;
    s.heard(now, samplesToMs(pcm.length, this.#modelRate), this.#tuning.hangoverMs, loud);
    if (loud) s.speaking = true;
    const holder = this.#state.status === 'turn' ? this.#state.speaker : undefined;
    // Someone else speaks while the holder has been silent past the hangover: the floor moves on.
    if (loud && holder && holder !== s && now - holder.lastSpeechAt > this.#tuning.hangoverMs)
      this.#passFloor();
    if (loud && this.#state.status === 'quiet') this.#set(this.#turnOf(s));
    // Read afresh: passing the floor emits events, and a listener may have ended the room.
    const st = this.#current();
    if (st.status === 'ended') return;
    if (st.status !== 'turn' || st.speaker !== s) {
      // Held with its pauses; silence before any held speech is not held.
      if (loud || s.heldMs > 0) {
        if (gapMs > 0 && s.heldMs > 0)
          this.#hold(s, silenceOf(gapMs, this.#tuning.trailingSilenceMs, this.#modelRate), now);
        this.#hold(s, pcm, now);
      }
      this.#timing.armFloorCheck();
      return;
    }
    if (wasHolder && gapMs > 0)
      this.#sendTurnAudio(s, silenceOf(gapMs, this.#tuning.trailingSilenceMs, this.#modelRate), false);
    this.#sendTurnAudio(s, pcm, loud);
    if (frame.receivedAt !== undefined) s.lastInboundMs = this.#clock.now() - frame.receivedAt;
    this.#timing.armTurnEnd();
    if (this.#player.active && s.burstMs >= this.#tuning.bargeInMinSpeechMs) this.interrupt();
  }

  /** The speaker's transport says they stopped (end of utterance, or a broken stream). */
  speakerStopped(speakerId: string): void {
    const s = this.#speakers.get(speakerId);
    if (!s || this.#state.status === 'ended') return;
    s.speaking = false;
    if (this.#state.status === 'turn' && this.#state.speaker === s) this.#passFloor();
  }

  /** Opts a speaker out at once: what is held for them is dropped, their open turn closed, nothing more sent. */
  optOut(speakerId: string): void {
    this.#optedOut.add(speakerId);
    const s = this.#speakers.get(speakerId);
    if (s) this.#silence(s);
    this.#driver.speakerOptedOut(speakerId);
  }

  /** Undoes `optOut()` (the injected policy still applies). */
  optIn(speakerId: string): void {
    this.#optedOut.delete(speakerId);
  }

  /**
   * Asks a character to speak, e.g. to greet the room or announce something in character: now, or
   * once the reply its model is producing ends (a model refuses a second reply while one is in progress).
   */
  prompt(instruction: string, character?: CastMember): void {
    if (this.#state.status !== 'ended') this.#driver.prompt(instruction, character);
  }

  /**
   * Barge-in: no further frame of any reply reaches the sink, replies in flight are cancelled, and
   * each is truncated at what the listeners heard. The room calls it when a speaker talks over a
   * character; an owner may call it too (e.g. before forgetting the conversation).
   */
  interrupt(): void {
    if (this.#player.interrupt(this.#driver.live)) this.bargeIns++;
    this.#driver.interrupted();
  }

  /** Ends the room once: playback stops, usage is flushed, `ended` is emitted. */
  end(reason: RoomEndReason, message?: string, modelError?: string): void {
    this.#set({
      status: 'ended',
      reason,
      ...(message === undefined ? {} : { message }),
      ...(modelError === undefined ? {} : { modelError }),
    });
  }

  status(): RoomStatus {
    const st = this.#state;
    this.#usage.setOutput(this.#player.playedMs);
    return {
      state: st.status,
      floor: st.status === 'turn' ? st.label : undefined,
      speakers: [...this.#speakers.all()].map((s) => ({
        id: s.id,
        label: this.#labels.assigned(s.id),
        speaking: s.speaking,
        frames: s.frames,
        heldMs: s.heldMs,
        optedOut: this.#isOptedOut(s.id),
      })),
      playback: this.#player.pacerStatus,
      usage: this.#usage.total,
      turns: this.#latency.recent,
      bargeIns: this.bargeIns,
      underruns: this.underruns,
      droppedHeldMs: this.droppedHeldMs,
      aheadMs: this.#player.bufferedMs,
      overflowMs: this.#player.overflowMs,
      pendingAttributions: this.#driver.pendingAttributions,
    };
  }

  // ---- the floor ---------------------------------------------------------------------------

  /** The one place the state changes: closing a turn, opening one and ending all happen here. */
  #set(next: RoomState): void {
    const prev = this.#state;
    if (prev.status === 'ended') return;
    this.#state = next;
    if (prev.status === 'turn' && next.status !== 'ended') this.#closeTurn(prev.speaker, prev.label);
    if (next.status === 'turn')
      this.#openTurn(next.speaker, next.label, prev.status === 'turn' ? prev : undefined);
    if (next.status === 'ended') this.#shutDown(next);
  }

  /** The state, unnarrowed (TypeScript keeps a narrowing across calls that may change it). */
  #current(): RoomState {
    return this.#state;
  }

  #turnOf(s: Speaker): RoomState {
    const label = this.#labels.labelFor(s.id, s.displayName);
    return { status: 'turn', speaker: s, label, since: this.#clock.now() };
  }

  /**
   * Closes the open turn and hands the floor to whoever has waited longest, sending what was held
   * for them; a speaker who already stopped gets a complete turn at once, and the floor moves on.
   */
  #passFloor(): void {
    for (;;) {
      const next = this.#longestWaiting();
      if (!next) {
        this.#set({ status: 'quiet' });
        return;
      }
      this.#set(this.#turnOf(next));
      if (next.speaking || this.#current().status !== 'turn') return;
    }
  }

  #hold(s: Speaker, pcm: Int16Array, now: number): void {
    this.droppedHeldMs += s.hold(pcm, this.#modelRate, now, this.#tuning.maxHeldMs);
  }

  /** The holder's audio; the silence since their last speech is counted, so a closing turn owes only the rest. */
  #sendTurnAudio(s: Speaker, pcm: Int16Array, loud: boolean): void {
    this.#send(pcm);
    s.quietTailMs = loud ? 0 : s.quietTailMs + samplesToMs(pcm.length, this.#modelRate);
  }

  /** The speaker who has waited longest, purging anyone opted out since they were held. */
  #longestWaiting(): Speaker | undefined {
    for (let s = this.#speakers.longestWaiting(); s; s = this.#speakers.longestWaiting()) {
      if (!this.#isOptedOut(s.id)) return s;
      s.takeHeld();
    }
    return undefined;
  }

  #openTurn(s: Speaker, label: string, prev?: { speaker: Speaker; label: string }): void {
    // Held speech that began before the previous speaker's last words overlapped them: the model is told.
    const since = s.waitingSince;
    const overlapping =
      prev && since !== undefined && since < prev.speaker.lastSpeechAt ? prev.label : undefined;
    this.#driver.turnOpened({ speakerId: s.id, label, ...(overlapping ? { overlapping } : {}) });
    this.#latency.begin(label);
    s.quietTailMs = 0;
    for (const pcm of s.takeHeld()) this.#send(pcm);
    this.#timing.armTurnEnd();
  }

  #closeTurn(s: Speaker, label: string): void {
    this.#timing.turnClosed();
    this.#driver.turnClosed({ speakerId: s.id, label, silentTailMs: s.quietTailMs });
    this.#latency.speechEnded();
    if (s.lastInboundMs !== undefined) this.emit('inbound', { speakerId: s.id, ms: s.lastInboundMs });
  }

  /** Usage counts the audio once per model session it reached: each session bills its input. */
  #send(pcm: Int16Array): void {
    const sessions = this.#driver.audio(pcm);
    this.#usage.addInput(samplesToMs(pcm.length, this.#modelRate) * sessions);
  }

  #isOptedOut(speakerId: string): boolean {
    return this.#optedOut.has(speakerId) || this.#policy(speakerId);
  }

  /**
   * Nothing more of an opted-out speaker goes out: held audio dropped; an open turn of theirs is
   * cleared from the model's uncommitted input (it holds only the floor holder's audio) and closed.
   */
  #silence(s: Speaker): void {
    s.takeHeld();
    if (this.#state.status !== 'turn' || this.#state.speaker !== s) return;
    this.#driver.turnCleared();
    this.#passFloor();
  }

  // ---- the cast ----------------------------------------------------------------------------

  /** What the cast driver may use of the room. */
  #side(): RoomSide {
    return {
      clock: this.#clock,
      player: this.#player,
      latency: this.#latency,
      modelRate: this.#modelRate,
      emit: (event, ...args) => this.emit(event, ...args),
      ended: () => this.#state.status === 'ended',
      end: (reason, message, code) => this.end(reason, message, code),
      flushUsage: () => this.#flushUsage(),
      isOptedOut: (id) => this.#isOptedOut(id),
      interrupt: () => this.interrupt(),
      peopleHeard: () => {
        const since = this.#clock.now() - PRESENT_WITHIN_MS;
        return [...this.#speakers.all()].filter((s) => s.lastFrameAt >= since && !this.#isOptedOut(s.id))
          .length;
      },
    };
  }

  #onReplyStarted(reply: Reply): void {
    const ms = this.#clock.now() - reply.createdAt;
    this.emit('replyStarted', { responseId: reply.responseId, character: reply.character.name, ms });
    const latency = this.#latency.firstFrame();
    if (latency) this.emit('turn', latency);
  }

  #flushUsage(): void {
    this.#usage.setOutput(this.#player.playedMs);
    const delta = this.#usage.take();
    if (delta) this.emit('usage', delta);
  }

  #shutDown(ended: Extract<RoomState, { status: 'ended' }>): void {
    this.#player.close();
    this.#clock.clearInterval(this.#usageTimer);
    this.#timing.close();
    this.#driver.close();
    this.#flushUsage();
    this.emit('ended', {
      reason: ended.reason,
      ...(ended.message === undefined ? {} : { message: ended.message }),
      ...(ended.modelError === undefined ? {} : { modelError: ended.modelError }),
    });
  }
}
