// Who plays in a voice channel. One character is today's session: its model runs server VAD and
// answers by itself. Two or more — or one in an addressed-only channel, which needs the words to
// decide — are a scene: each character its own session, the room ends turns and a director picks
// who answers (docs/scenes.md). These are the controls: /join's start, /scene add|remove|next, the
// channel's mode and addressed-only setting, /persona set, /voice reset and opt-outs.
import { type Persona, personaToSessionConfig, type SceneMode, sameNameKey } from '@troupe/realtime-core';
import type { AddOutcome } from '../voice-port.ts';
import {
  addOutcome,
  buildScene,
  buildSolo,
  greetSolo,
  maxCast,
  type SceneState,
  sceneReady,
  untilQuiet,
} from './cast-rooms.ts';
import { CastStage } from './cast-stage.ts';
import { sceneCharacter } from './scene-room.ts';
import { SceneChangeError } from './types.ts';

export type { ChannelCastDeps } from './cast-stage.ts';

export class ChannelCast extends CastStage {
  /** The first room: one character (greeting the channel), or a scene of one in an addressed-only channel. */
  start(persona: Persona): Promise<void> {
    return this.serial(async () => {
      const memory = await this.memory.recall(persona.id);
      if (this.deps.settings.addressedOnly) {
        const next = buildScene(this.kit, [persona], { [persona.id]: memory }, true);
        this.install(next);
        await sceneReady(next);
        return;
      }
      const next = await buildSolo(this.kit, persona, memory);
      this.install(next);
      this.deps.whenAudible(() => {
        if (this.state === next) greetSolo(next);
      });
    });
  }

  add(persona: Persona): Promise<AddOutcome> {
    return this.serial(async () => {
      const s = this.live();
      const personas = s.kind === 'solo' ? [s.persona] : s.personas;
      if (personas.some((p) => p.id === persona.id))
        throw new SceneChangeError('already', `${persona.name} is already in the scene`);
      if (personas.length >= maxCast(this.deps.options))
        throw new SceneChangeError('full', `the scene already has ${personas.length} characters`);
      if (personas.some((p) => sameNameKey(p.name) === sameNameKey(persona.name)))
        throw new SceneChangeError('nameTaken', `a character named ${persona.name} is already in the scene`);
      const memory = await this.memory.recall(persona.id);
      let scene: SceneState;
      if (s.kind === 'solo') {
        // The lead finishes what it is saying (its greeting, an answer) before its room is replaced.
        await untilQuiet(s.room);
        const leadMemory = await this.memory.recall(s.persona.id);
        this.retire();
        scene = buildScene(this.kit, [s.persona], { [s.persona.id]: leadMemory }, false);
        this.install(scene);
      } else scene = s;
      const outcome = addOutcome(scene.room, persona.id);
      scene.room.scene?.add(sceneCharacter(persona), { memory, greet: true });
      scene.personas.push(persona);
      return outcome;
    });
  }

  remove(id: string): Promise<void> {
    return this.serial(async () => {
      const s = this.live();
      const personas = s.kind === 'solo' ? [s.persona] : s.personas;
      const gone = personas.find((p) => p.id === id);
      if (!gone) throw new SceneChangeError('absent', `${id} is not in the scene`);
      if (personas.length === 1)
        throw new SceneChangeError('last', `${gone.name} is the only character: use /leave`);
      const rest = personas.filter((p) => p !== gone);
      if (s.kind === 'scene' && (rest.length > 1 || this.deps.settings.addressedOnly)) {
        s.room.scene?.remove(id);
        s.personas = rest;
        return;
      }
      // One character left: back to the session it would have on its own.
      await this.rebuild(rest, false);
    });
  }

  setMode(mode: SceneMode): void {
    const s = this.state;
    if (s.kind === 'scene') s.room.scene?.setMode(mode);
  }

  /** Addressed-only needs the words of each turn: a single character becomes a scene of one, and back. */
  setAddressedOnly(on: boolean): Promise<void> {
    return this.serial(async () => {
      const s = this.state;
      if (s.kind === 'scene' && (on || s.personas.length > 1)) s.room.scene?.setAddressedOnly(on);
      else if (s.kind === 'scene' || (s.kind === 'solo' && on)) await this.rebuild(this.characters, false);
    });
  }

  next(id?: string): boolean {
    const s = this.state;
    if (s.kind === 'scene') return s.room.scene?.next(id) ?? false;
    if (s.kind !== 'solo' || (id !== undefined && id !== s.persona.id)) return false;
    s.room.prompt('Carry the conversation on, in character.');
    return true;
  }

  /** `/persona set`: the one character becomes another (a scene of several is changed with /scene). */
  setPersona(persona: Persona): Promise<{ newConnection: boolean }> {
    return this.serial(async () => {
      const s = this.live();
      if (s.kind === 'scene' && s.personas.length > 1)
        throw new SceneChangeError('inScene', 'this channel plays a scene: use /scene add and /scene remove');
      if (s.kind === 'scene') {
        await this.rebuild([persona], false);
        return { newConnection: true };
      }
      s.persona = persona;
      const { instructions, voice } = personaToSessionConfig(persona);
      return s.model.update({ instructions, voice });
    });
  }

  /** Forgets this conversation (stored memory stays: `/voice forget` erases it). */
  reset(): Promise<void> {
    return this.serial(async () => {
      const s = this.live();
      this.memory.clearSession();
      if (s.kind === 'solo') {
        s.room.interrupt();
        await s.model.reset();
      } else await this.rebuild(s.personas, false, true);
    });
  }

  /** Nothing more of the member is heard, and no room restores what they said in this session. */
  optOut(userId: string): void {
    this.memory.forgetSpeaker(userId);
    const room = this.room;
    // The room's own opt-out silences them now and purges the scene's log; the policy (the store)
    // keeps them out from then on, and an opt-in there is all it takes to be heard again.
    room?.optOut(userId);
    room?.optIn(userId);
  }
}
