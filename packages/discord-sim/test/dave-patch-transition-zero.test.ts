// The fix in patches/@discordjs__voice@0.19.2.patch, against the real library. @discordjs/voice
// 0.19.2 recovers from persistent DAVE decrypt failures only `if (this.lastTransitionId)`: after
// a transition with id 0 (falsy) it throws instead, never resets its failure count, and a client
// that missed a commit stays deaf for good (openclaw/openclaw#81518, discord.js#11445).
// Without the patch this test times out waiting for the client's op 31.
import { EndBehaviorType, type VoiceConnection } from '@discordjs/voice';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeSpeech } from '../src/index.ts';
import { type Harness, joinBot, startHarness } from './harness.ts';

function collect(connection: VoiceConnection, userId: string): Promise<Buffer[]> {
  const stream = connection.receiver.subscribe(userId, {
    end: { behavior: EndBehaviorType.AfterSilence, duration: 300 },
  });
  const packets: Buffer[] = [];
  return new Promise((resolve, reject) => {
    stream.on('data', (p: Buffer) => packets.push(p));
    stream.on('end', () => resolve(packets));
    stream.on('error', reject);
  });
}

const speech = encodeSpeech(new Int16Array(48_000 / 5).map((_, i) => Math.round(8000 * Math.sin(i / 9))));

describe('@discordjs/voice 0.19.2 patched: recovery after transition id 0', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('a client whose last transition was 0 and that missed a commit reports op 31 and is heard again', async () => {
    h = await startHarness();
    const sim = h.sim;
    sim.faults.dave.transitionIdZero();
    const connection = await joinBot(h);
    await sim.until(() => sim.dave.settled('Hearth'));
    expect(sim.stats.voice.dave.commits.every((c) => c.transitionId === 0)).toBe(true);
    // The commit that adds bob never reaches the bot: bob and alice move on to an epoch it lacks.
    sim.faults.dave.loseMessages([29]);
    sim.joinVoice('bob', 'Hearth');
    await sim.until(() => sim.dave.participant('bob')?.ready === true);
    const failing = collect(connection, sim.user('bob').id);
    failing.catch(() => {});
    // Two seconds of bob: far more than the 36 failed decrypts the library tolerates.
    await sim.speak('bob', encodeSpeech(new Int16Array(48_000 * 2).fill(3000)));
    await sim.until(() => sim.stats.voice.dave.invalidCommitWelcomes.some((x) => x.userId === sim.botUserId));
    await sim.until(() => sim.dave.settled('Hearth'));
    const heard = collect(connection, sim.user('bob').id);
    await sim.speak('bob', speech);
    const frames = (await heard).map((p) => p.toString('hex')).filter((x) => x !== 'f8fffe');
    expect(frames).toEqual(speech.opusFrames.map((f) => Buffer.from(f).toString('hex')));
  });
});
