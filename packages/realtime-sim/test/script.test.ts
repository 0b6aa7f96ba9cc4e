// Scripted understanding: what a committed turn says and what a reply says reach a bare client only
// through the protocol's own events.
import { afterEach, describe, expect, it } from 'vitest';
import { type RealtimeSim, startRealtimeSim, transcriptsByDuration } from '../src/index.ts';
import { synthesizeSpeech } from '../src/voice-synth.ts';
import { rawClient } from './raw-client.ts';

let sim: RealtimeSim;
afterEach(async () => {
  await sim.close();
});

const MODEL = 'stepaudio-2.5-realtime';

async function turn(ms: number) {
  const c = rawClient(sim, MODEL);
  await c.next('session.created');
  c.send({
    type: 'conversation.item.create',
    item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: '[Ann]' }] },
  });
  c.append(synthesizeSpeech('probe', ms));
  c.send({ type: 'input_audio_buffer.commit' });
  const transcript = await c.next('conversation.item.input_audio_transcription.completed');
  return { c, transcript: String(transcript.transcript) };
}

describe('scripted transcripts and replies', () => {
  it('transcribes a committed turn by its length, and falls back to the placeholder for unknown lengths', async () => {
    sim = await startRealtimeSim({ apiKey: 'k', speed: 20 });
    const seen: { audioMs: number; labels: readonly string[]; samples: number }[] = [];
    const byLength = transcriptsByDuration([
      { ms: 900, text: 'Mara, what is our heading?' },
      { ms: 1500, text: '老柳，你怎么看？' },
    ]);
    sim.script.transcribe = (heard) => {
      seen.push({ audioMs: heard.audioMs, labels: heard.labels, samples: heard.pcm?.length ?? 0 });
      return byLength(heard);
    };
    const a = await turn(900);
    expect(a.transcript).toBe('Mara, what is our heading?');
    const b = await turn(1450);
    expect(b.transcript).toBe('老柳，你怎么看？');
    const c = await turn(2500);
    expect(c.transcript).toBe('(2.5 s of speech)');
    expect(seen.map((s) => s.labels)).toEqual([['Ann'], ['Ann'], ['Ann']]);
    // The hook gets the audio it transcribes.
    expect(seen.map((s) => s.samples)).toEqual([21_600, 34_800, 60_000]);
    for (const x of [a, b, c]) x.c.ws.close();
  });

  it('says the scripted reply, given what the answered turn said', async () => {
    sim = await startRealtimeSim({ apiKey: 'k', speed: 20 });
    sim.script.transcribe = () => 'Mara, ask Lin about the map.';
    sim.script.reply = (r) =>
      r.heardText?.includes('Lin') ? `${r.labels[0]}, Lin knows the map.` : undefined;
    const { c } = await turn(800);
    c.send({ type: 'response.create' });
    const done = await c.next('response.audio_transcript.done');
    expect(done.transcript).toBe('Ann, Lin knows the map.');
    expect(sim.responses[0]).toMatchObject({
      heardText: 'Mara, ask Lin about the map.',
      transcript: 'Ann, Lin knows the map.',
    });
    // No audio heard since: the default reply.
    await c.next('response.done');
    c.send({ type: 'response.create' });
    const next = await c.next('response.audio_transcript.done');
    expect(next.transcript).toMatch(/Greetings, friends\. This is jingdiannvsheng speaking\./);
    c.ws.close();
  });
});
