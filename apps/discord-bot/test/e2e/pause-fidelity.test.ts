// Conversation fidelity end to end: a member pauses mid-sentence the way a real Discord client
// does in voice-activity mode (phrase A, 5 silence frames, nothing until phrase B), and the real
// bot (discord.js, @discordjs/voice, the room) must forward every packet, keep the pause at its
// length in what the model hears, and keep the sentence one labelled turn with one commit. A
// pause longer than the turn-end silence ends the turn once; silence frames never interrupt.
import { fixturePath } from '@troupe/discord-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PauseProbe, pausedSentence, pauseHeard, pauseProbe } from './pause-probe.ts';
import { persona, startVoiceHarness, type VoiceHarness } from './voice-harness.ts';

let h: VoiceHarness;
let probe: PauseProbe;
let replies = 0;

beforeAll(async () => {
  h = await startVoiceHarness();
  probe = pauseProbe(h);
  await h.voice.join(h.channel('Hearth'), persona('captain', 'wenrounansheng'));
}, 30_000);

afterAll(async () => {
  await h?.close();
});

describe('pauses as a real client sends them', () => {
  for (const pauseMs of [50, 150, 300, 450])
    it(`a ${pauseMs} ms pause: nothing lost, heard at its length, one label, one commit`, async () => {
      const clip = pausedSentence(pauseMs);
      const [labels0, commits0, packets0, mark] = [
        probe.labels('alice'),
        probe.commits(),
        probe.packetsOf('alice'),
        probe.mark(),
      ];
      const sent = await h.discord.speak('alice', clip.pcm);
      await probe.answered(++replies);
      // Every packet the client sent reached the bot's decoder (the silence frames included).
      expect(probe.packetsOf('alice') - packets0).toBe(sent.packetsSent);
      expect(probe.labels('alice') - labels0).toBe(1);
      expect(probe.commits() - commits0).toBe(1);
      const heard = pauseHeard(probe.heardSince(mark), clip.pause.ms);
      expect(heard).toBeDefined();
      expect(Math.abs(heard! - clip.pause.ms)).toBeLessThanOrEqual(20);
    });

  it('a 2 s pause ends the turn once: two labels, two commits, two answers', async () => {
    const [labels0, commits0] = [probe.labels('alice'), probe.commits()];
    await h.discord.speak('alice', pausedSentence(2000).pcm);
    replies += 2;
    await probe.answered(replies);
    expect(probe.labels('alice') - labels0).toBe(2);
    expect(probe.commits() - commits0).toBe(2);
  });

  it('a member transmitting only silence frames never interrupts a reply, nor takes a turn', async () => {
    const bargeIns = h.voice.get(h.discord.guildId())!.bargeIns;
    await h.discord.speak('alice', fixturePath('en-alice'), { mode: 'push-to-talk' });
    await h.model.waitFor(() => h.model.responses.length > replies, 20_000);
    // Bob's microphone is open on a silent room while Alice is answered.
    await h.discord.speak('bob', new Int16Array(48_000 * 2), { mode: 'open-mic' });
    await probe.answered(++replies);
    expect(h.voice.get(h.discord.guildId())!.bargeIns).toBe(bargeIns);
    expect(h.model.responses.filter((r) => r.status === 'cancelled')).toEqual([]);
    expect(probe.labels('bob')).toBe(0);
  });
});
