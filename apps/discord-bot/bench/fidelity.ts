// Conversation fidelity on the emulators: a member pauses mid-sentence as a real Discord client does
// (voice-activity mode), through the real bot, for a sweep of pauses. Per pause: packets the client
// sent and the bot received (lost audio), the pause the model heard, labels and commits for the
// sentence; then barge-in false positives from a member transmitting silence frames and from one
// breathing (noise well under speech) over a reply. A human table and one JSON line.
import { fixturePath } from '@troupe/discord-sim';
import { pausedSentence, pauseHeard, pauseProbe } from '../test/e2e/pause-probe.ts';
import { persona, startVoiceHarness } from '../test/e2e/voice-harness.ts';
import { printJson, printTable, r1 } from './harness.ts';

const PAUSES = (process.env.BENCH_FIDELITY_PAUSES ?? '20,50,100,150,200,300,450,600,1000,2000')
  .split(',')
  .map(Number)
  .filter((n) => Number.isFinite(n) && n > 0);

/** Breath-like noise at about −55 dBFS, 48 kHz mono (deterministic). */
function breath(ms: number): Int16Array {
  const pcm = new Int16Array(48 * ms);
  let x = 12345;
  for (let i = 0; i < pcm.length; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    pcm[i] = ((x % 121) - 60) * 1.1;
  }
  return pcm;
}

export async function runFidelity(): Promise<void> {
  const h = await startVoiceHarness();
  try {
    const probe = pauseProbe(h);
    await h.voice.join(h.channel('Hearth'), persona('captain', 'wenrounansheng'));
    let replies = 0;
    const rows = [];
    for (const pauseMs of PAUSES) {
      const clip = pausedSentence(pauseMs);
      const [labels0, commits0, packets0, mark] = [
        probe.labels('alice'),
        probe.commits(),
        probe.packetsOf('alice'),
        probe.mark(),
      ];
      const sent = await h.discord.speak('alice', clip.pcm);
      const turns = pauseMs >= 700 ? 2 : 1;
      replies += turns;
      await probe.answered(replies);
      const heard = pauseHeard(probe.heardSince(mark), clip.pause.ms);
      rows.push({
        pauseMs: clip.pause.ms,
        packetsSent: sent.packetsSent,
        packetsLost: sent.packetsSent - (probe.packetsOf('alice') - packets0),
        heardMs: heard === undefined ? null : r1(heard),
        // A pause past the turn-end silence ends the turn: the model hears that silence, then a new turn.
        errorMs: heard === undefined || turns > 1 ? null : r1(heard - clip.pause.ms),
        labels: probe.labels('alice') - labels0,
        commits: probe.commits() - commits0,
      });
    }
    // Barge-in false positives: a reply plays while Bob transmits silence frames, then breath noise.
    const falsePositives: Record<string, number> = {};
    for (const [name, pcm] of [
      ['silence frames (open mic)', new Int16Array(48_000 * 2)],
      ['breath noise −55 dBFS (open mic)', breath(2000)],
    ] as const) {
      const before = h.voice.get(h.discord.guildId())!.bargeIns;
      await h.discord.speak('alice', fixturePath('en-alice'), { mode: 'push-to-talk' });
      await h.model.waitFor(() => h.model.responses.length > replies, 20_000);
      await h.discord.speak('bob', pcm, { mode: 'open-mic' });
      await probe.answered(++replies);
      falsePositives[name] = h.voice.get(h.discord.guildId())!.bargeIns - before;
    }
    printTable(
      'Pause fidelity (voice-activity client: phrase, 5 silence frames, nothing, phrase; turn-end silence 700 ms)',
      ['pause ms', 'packets sent', 'lost', 'model heard ms', 'error ms', 'labels', 'commits'],
      rows.map((r) => [
        String(r.pauseMs),
        String(r.packetsSent),
        String(r.packetsLost),
        String(r.heardMs ?? '-'),
        r.labels > 1 ? 'turn ended' : String(r.errorMs ?? '-'),
        String(r.labels),
        String(r.commits),
      ]),
    );
    printTable(
      'Barge-in false positives over a reply',
      ['what Bob transmits', 'barge-ins'],
      Object.entries(falsePositives).map(([k, v]) => [k, String(v)]),
    );
    printJson('fidelity', { pauses: rows, falsePositives });
  } finally {
    await h.close();
  }
}

if (import.meta.main) await runFidelity();
