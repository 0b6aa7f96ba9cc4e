import { EndBehaviorType, type VoiceConnection } from '@discordjs/voice';
import { createOpusDecoder } from '@troupe/opus';
import { afterEach, describe, expect, it } from 'vitest';
import { alignedSnr, encodeSpeech, fixturePath, readWav, stereoToMono } from '../src/index.ts';
import { type Harness, joinBot, playFrames, startHarness, toneFrames } from './harness.ts';

/** Subscribes to a user and collects Opus packets until the stream ends after silence. */
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

function decodeMono(packets: Buffer[]): Int16Array {
  const decoder = createOpusDecoder({ sampleRate: 48_000, channels: 2 });
  const chunks = packets.flatMap((p) => {
    const pcm = decoder.decode(p);
    return pcm ? [stereoToMono(pcm)] : [];
  });
  const out = new Int16Array(chunks.reduce((n, c) => n + c.length, 0));
  let off = 0;
  for (const c of chunks) {
    out.set(c, off);
    off += c.length;
  }
  return out;
}

describe('voice server with the real @discordjs/voice client', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('joins voice (op 4 → VOICE_STATE/SERVER_UPDATE → WSS → UDP) and reaches Ready', async () => {
    h = await startHarness();
    await joinBot(h);
    const session = h.sim.botVoice();
    expect(session?.mode).toBe('aead_aes256_gcm_rtpsize');
    expect(h.sim.faults.voiceStateUpdates).toBe(1);
    expect(h.sim.stats.voice.identifies).toBe(1);
  });

  it('speaks pre-encoded speech (encodeSpeech) packet for packet, as load tests reuse one clip', async () => {
    h = await startHarness();
    const connection = await joinBot(h);
    const speech = encodeSpeech(new Int16Array(48_000 / 5).map((_, i) => Math.round(8000 * Math.sin(i / 9))));
    expect(speech.opusFrames).toHaveLength(10);
    const received = collect(connection, h.sim.user('alice').id);
    const result = await h.sim.speak('alice', speech);
    expect(result).toMatchObject({ framesEncoded: 10, packetsSent: 15 });
    const audio = (await received).filter((p) => !(p.length === 3 && p[0] === 0xf8));
    expect(audio.map((p) => Buffer.from(p).toString('hex'))).toEqual(
      speech.opusFrames.map((f) => Buffer.from(f).toString('hex')),
    );
  });

  it('delivers a user speaking a fixture to the receiver with SNR ≥ 30 dB', async () => {
    h = await startHarness();
    const connection = await joinBot(h);
    const alice = h.sim.user('alice').id;
    const received = collect(connection, alice);
    // 256 kb/s: Opus is perceptual, so waveform SNR on buzzy espeak speech needs a high bitrate
    // (measured with libopus: 96k → 26 dB, 160k → 31 dB, 256k → 35 dB).
    // Push-to-talk: every frame of the clip is sent, so the decoded stream lines up with the WAV.
    const result = await h.sim.speak('alice', fixturePath('en-alice'), {
      mode: 'push-to-talk',
      extensionWords: 1,
      paddingBytes: 4,
      bitrate: 256_000,
    });
    const packets = await received;
    expect(result.packetsSent).toBe(result.framesEncoded + 5);
    // Every audio frame arrives (the 5 silence frames are delivered too, as Opus packets).
    expect(packets.length).toBe(result.packetsSent);
    const reference = readWav(fixturePath('en-alice')).samples;
    const { snrDb } = alignedSnr(reference, decodeMono(packets));
    expect(snrDb).toBeGreaterThanOrEqual(30);
  });

  it('records the bot playing a tone with ≥ 95 % of packets 20 ± 5 ms apart', async () => {
    h = await startHarness();
    const connection = await joinBot(h);
    const frames = toneFrames(440, 3000);
    await playFrames(connection, frames);
    const heard = h.sim.listener('alice').heard();
    const audible = heard.packets.filter((p) => !p.silence);
    expect(audible.length).toBe(frames.length);
    // The real AudioPlayer pads with 5 silence frames but goes idle before the last leaves (research §5.1: 4).
    expect(heard.silenceFrames).toBeGreaterThanOrEqual(4);
    const gaps = audible.slice(1).map((p, i) => p.arrivalMs - (audible[i]?.arrivalMs ?? 0));
    const onTime = gaps.filter((g) => g >= 15 && g <= 25).length;
    expect(gaps.length).toBeGreaterThanOrEqual(100);
    expect(onTime / gaps.length).toBeGreaterThanOrEqual(0.95);
    expect(heard.pcm.length).toBe(frames.length * 960 * 2);
    expect(h.sim.botVoice()?.botSpeaking.some((s) => s.speaking === 1)).toBe(true);
  });

  it('works with aead_xchacha20_poly1305_rtpsize both ways', async () => {
    h = await startHarness({ encryptionModes: ['aead_xchacha20_poly1305_rtpsize'] });
    const connection = await joinBot(h);
    expect(h.sim.botVoice()?.mode).toBe('aead_xchacha20_poly1305_rtpsize');
    const received = collect(connection, h.sim.user('alice').id);
    const result = await h.sim.speak(
      'alice',
      new Int16Array(48_000 / 2).fill(1000).map((_, i) => Math.round(8000 * Math.sin(i / 10))),
    );
    expect((await received).length).toBe(result.packetsSent);
    const frames = toneFrames(330, 400);
    await playFrames(connection, frames);
    expect(
      h.sim
        .listener('alice')
        .heard()
        .packets.filter((p) => !p.silence).length,
    ).toBe(frames.length);
    expect(h.sim.stats.voice.undecryptableFromBot).toBe(0);
  });

  it('recovers after UDP is dropped for a while', async () => {
    h = await startHarness();
    const connection = await joinBot(h);
    const alice = h.sim.user('alice').id;
    h.sim.faults.dropUdp(200, 'toBot');
    const lost = await h.sim.speak(
      'alice',
      new Int16Array(9600).map((_, i) => Math.round(8000 * Math.sin(i / 7))),
    );
    expect(lost.packetsUndelivered).toBeGreaterThan(0);
    const received = collect(connection, alice);
    const ok = await h.sim.speak(
      'alice',
      new Int16Array(24_000).map((_, i) => Math.round(8000 * Math.sin(i / 7))),
    );
    // A late silence frame from the first utterance may still land in the new subscription: count audio only.
    const audio = (await received).filter((p) => !(p.length === 3 && p[0] === 0xf8));
    expect(audio.length).toBe(ok.framesEncoded);
    expect(ok.packetsUndelivered).toBe(0);
  });

  it('loss, reordering and jitter are applied deterministically from the seed', async () => {
    h = await startHarness();
    await joinBot(h);
    const pcm = new Int16Array(48_000).map((_, i) => Math.round(8000 * Math.sin(i / 9)));
    const a = await h.sim.speak('alice', pcm, { lossPct: 20, reorderPct: 10, jitterMs: 5, seed: 7 });
    const b = await h.sim.speak('alice', pcm, { lossPct: 20, reorderPct: 10, jitterMs: 5, seed: 7 });
    expect(a.packetsLost).toBe(b.packetsLost);
    expect(a.packetsLost).toBeGreaterThan(0);
    expect(a.packetsSent + a.packetsLost).toBe(a.framesEncoded + 5);
  });
});
