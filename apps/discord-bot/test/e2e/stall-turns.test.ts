// A stall of the bot's process (GC, a burst of work) longer than Discord's 100 ms stream end must
// not cut a member's sentence into two turns: the library's end timer fires before the datagrams
// queued during the stall are read, and the receiver must not take that end at its word.
import { fixturePath } from '@troupe/discord-sim';
import { afterEach, describe, expect, it } from 'vitest';
import { persona, startVoiceHarness, type VoiceHarness } from './voice-harness.ts';

let h: VoiceHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** Blocks this process (the bot and the emulators share it) for `ms`. */
function stall(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // busy: nothing else runs, timers and datagrams pile up
  }
}

describe('a process stall mid-sentence', () => {
  it('keeps the sentence one labelled turn', async () => {
    h = await startVoiceHarness();
    await h.voice.join(h.channel('Hearth'), persona('storyteller', 'alloy'));
    await h.discord.until(() => h?.discord.dave.settled('Hearth') === true);
    const speaking = h.discord.speak('alice', fixturePath('en-alice'));
    // Mid-sentence: the clip lasts seconds; stall twice, each well past the 100 ms stream end.
    await new Promise((resolve) => setTimeout(resolve, 800));
    stall(250);
    await new Promise((resolve) => setTimeout(resolve, 600));
    stall(250);
    await speaking;
    const answer = await h.model.waitFor(
      () => h?.model.responses.find((r) => r.status === 'completed' && r.labels.includes('alice')),
      20_000,
    );
    const labels = h.model.sessions.flatMap((s) => s.items).filter((i) => i.text === '[alice]');
    expect(labels).toHaveLength(1);
    expect(answer.heardMs).toBeGreaterThan(2000);
  });
});
