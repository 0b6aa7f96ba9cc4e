// A scene's session factory for unit tests: each open() makes a FakeModel the test plays by hand.
// Opening succeeds at once, fails when told to, or waits until the test lets it through.
import type { SceneCharacter, SceneSessions } from '../room/scene/scene-types.ts';
import { FakeModel } from './room-fakes.ts';

export class FakeSceneSessions implements SceneSessions {
  /** The latest session opened for each character. */
  readonly models = new Map<string, FakeModel>();
  /** Character ids in the order their sessions were opened and closed. */
  readonly opened: string[] = [];
  readonly closed: string[] = [];
  /** Sessions open at once: the most seen is what a budget must bound. */
  openNow = 0;
  maxOpen = 0;
  /** The next open() of these ids fails with this message. */
  readonly failing = new Map<string, string>();
  /** While true, open() waits for `letThrough()`. */
  holding = false;
  /** Applied to every session made (e.g. to give it per-response instructions or take setInstructions away). */
  configure: ((model: FakeModel, character: SceneCharacter) => void) | undefined;
  readonly #held: (() => void)[] = [];

  open(character: SceneCharacter): Promise<FakeModel> {
    const failure = this.failing.get(character.id);
    if (failure !== undefined) {
      this.failing.delete(character.id);
      return Promise.reject(new Error(failure));
    }
    const made = () => {
      const model = new FakeModel();
      this.configure?.(model, character);
      this.models.set(character.id, model);
      this.opened.push(character.id);
      this.openNow++;
      this.maxOpen = Math.max(this.maxOpen, this.openNow);
      return model;
    };
    if (!this.holding) return Promise.resolve(made());
    return new Promise((resolve) => this.#held.push(() => resolve(made())));
  }

  close(character: SceneCharacter): void {
    this.closed.push(character.id);
    this.openNow--;
  }

  /** Lets every held open() through. */
  letThrough(): void {
    for (const go of this.#held.splice(0)) go();
  }

  model(id: string): FakeModel {
    const m = this.models.get(id);
    if (!m) throw new Error(`no session was opened for ${id}`);
    return m;
  }
}
