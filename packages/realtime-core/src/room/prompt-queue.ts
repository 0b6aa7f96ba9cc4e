// Prompts for a character whose model is busy: a model refuses a second reply while one is in
// progress (StepFun and OpenAI answer `conversation_already_has_active_response`), so a prompt
// made then waits for the reply to end instead of being lost.
import type { CastMember } from './ports.ts';

/** Prompts kept per character while its model is busy; beyond it the oldest is dropped. */
const MAX_WAITING = 4;

export class PromptQueue {
  readonly #responding = new Set<CastMember>();
  readonly #waiting = new Map<CastMember, string[]>();

  /** `member`'s model started a reply. */
  started(member: CastMember): void {
    this.#responding.add(member);
  }

  /** `member`'s model finished a reply: the prompt to send now, if one waited. */
  finished(member: CastMember): string | undefined {
    this.#responding.delete(member);
    return this.#waiting.get(member)?.shift();
  }

  /**
   * True when the prompt may go at once (the model then counts as busy until a reply ends, so a
   * second prompt right behind it waits); otherwise it is kept for `finished`.
   */
  admit(member: CastMember, instruction: string): boolean {
    if (!this.#responding.has(member)) {
      this.#responding.add(member);
      return true;
    }
    const waiting = this.#waiting.get(member) ?? [];
    waiting.push(instruction);
    if (waiting.length > MAX_WAITING) waiting.shift();
    this.#waiting.set(member, waiting);
    return false;
  }
}
