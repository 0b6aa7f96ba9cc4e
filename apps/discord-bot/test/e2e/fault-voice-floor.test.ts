// Issue 7, voice side: a member whose packets stop decoding mid-turn (a client gone wrong, a DAVE
// transition passing ciphertext through) while holding the floor, with another member waiting.
// The floor passes on after the hangover; the waiting member's turn must still be labelled with
// their name and carry all of their speech, and be answered. Real bot, both emulators.
import { fixturePath, readWav } from '@troupe/discord-sim';
import { afterAll, describe, expect, it } from 'vitest';
import {
  answered,
  eventually,
  joinByCommand,
  startVoiceFaultWorld,
  type VoiceFaultWorld,
} from './fault-voice-world.ts';

const MODEL_RATE = 24_000;
const BOB = readWav(fixturePath('en-bob')).samples;

let v: VoiceFaultWorld;
afterAll(async () => {
  await v?.close();
});

describe('the floor holder’s packets stop decoding while another member waits', () => {
  it('hands the floor over with a label and all of the waiting member’s speech', async ({ annotate }) => {
    v = await startVoiceFaultWorld(['Pleb', 'Teller']);
    const session = await joinByCommand(v, 'Pleb');
    const greeting = await v.w.realtime!.waitFor(() => {
      const r = v.w.realtime!.responses[0];
      return r?.status === 'completed' ? r : undefined;
    });
    await v.w.discord.listener('Pleb').waitForPackets(Math.floor(greeting.audioMs / 20) - 2);
    const turns = v.tap.turns.length;

    // Teller takes the floor with 0.4 s of speech, then goes on sending 3 s of undecodable Opus.
    await v.w.discord.speak('Teller', BOB.slice(0, 19_200), { silenceFrames: 0 });
    const garbled = v.w.discord.speak('Teller', readWav(fixturePath('en-alice')).samples.slice(0, 144_000), {
      corruptPct: 100,
    });
    await eventually(
      () => (session.status().heard.find((s) => s.displayName === 'Teller')?.corruptPackets ?? 0) > 5,
    );
    const plebAnswers = answered(v, 'Pleb');
    const tellerCorrupt = () =>
      session.status().heard.find((s) => s.displayName === 'Teller')?.corruptPackets ?? 0;
    const atStart = tellerCorrupt();
    await v.w.discord.speak('Pleb', BOB);
    await garbled;
    await v.w.realtime!.waitFor(
      () =>
        v.w.realtime!.responses.filter((r) => r.labels.includes('Pleb') && r.status === 'completed')[
          plebAnswers
        ],
      20_000,
    );
    const later = v.tap.turns.slice(turns).map((t) => ({
      label: t.label,
      seconds: t.pcm.reduce((n, c) => n + c.length, 0) / MODEL_RATE,
    }));
    // Teller's turn, then Pleb's once Teller had sent nothing decodable for the 700 ms hangover
    // (Teller's clip ends in five silence frames, which decode: a short turn of theirs may follow).
    expect(later.map((t) => t.label).slice(0, 2)).toEqual(['[Teller]', '[Pleb]']);
    // Teller's stream really overlapped Pleb's start by more than the hangover (35 packets of 20 ms).
    const overlap = tellerCorrupt() - atStart;
    await annotate(`Teller sent ${overlap} undecodable packets after Pleb started talking`);
    expect(overlap).toBeGreaterThan(35);
    // All of Pleb's 3.3 s clip (held while Teller had the floor), plus trailing silence.
    expect(later[1]?.seconds).toBeGreaterThan(BOB.length / 48_000);
    expect(v.crashes).toEqual([]);
  }, 30_000);
});
