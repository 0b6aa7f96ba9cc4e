// Per-frame CPU of the bot's audio path against the typical peer path, interleaved in one process.
//   inbound  (per speaker, per 20 ms packet): Opus decode → model-rate PCM → base64 → append event
//   outbound (per bot voice, per 20 ms frame): delta event parse → base64 decode → the room's reply
//   queue and pacer (core) → the adapter's Opus sink (24 kHz mono, or resampled to 48 kHz stereo)
// Peer path: prism-media streams over opusscript, wave-resampler (pure JS), JSON.stringify/parse.
import { createCipheriv, createSecretKey, type KeyObject, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import {
  createOpusFrameSink,
  type PlaybackFormat,
  playbackOutput,
} from '@troupe/discord/internal/voice/opus-frame-sink.ts';
import { fixturePath, formDaveGroup, readWav } from '@troupe/discord-sim';
import { bestLagSnr, createOpusDecoder, createOpusEncoder } from '@troupe/opus';
import {
  decodePcm16Base64,
  decodeServerEvent,
  encodeClientEvent,
  encodePcm16Base64,
  Room,
} from '@troupe/realtime-core';
import { FakeModel, ManualClock } from '@troupe/realtime-core/testing';
import prism from 'prism-media';
import { type Candidate, printJson, printTable, r1, timeInterleaved } from './harness.ts';

// wave-resampler ships a UMD bundle whose named export Node's ESM loader cannot see.
const { resample } = createRequire(import.meta.url)('wave-resampler') as {
  resample(samples: ArrayLike<number>, from: number, to: number, details?: object): Float64Array;
};

/** 48 kHz mono speech: the discord-sim fixtures, concatenated. */
function speech48kMono(): Int16Array {
  const clips = (['en-alice', 'en-bob', 'zh-mei'] as const).map((n) => readWav(fixturePath(n)).samples);
  const out = new Int16Array(clips.reduce((a, c) => a + c.length, 0));
  let at = 0;
  for (const c of clips) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/**
 * 20 ms Opus packets as a Discord client would send (48 kHz stereo). @evan/opus ignores `application`
 * (both give CELT, TOC config 31), so there is no Hybrid/SILK set here.
 */
function encodePackets(mono: Int16Array, application: 'audio' | 'voip'): Uint8Array[] {
  const enc = createOpusEncoder({ sampleRate: 48000, channels: 2, application });
  const packets: Uint8Array[] = [];
  for (let i = 0; i + 960 <= mono.length; i += 960) {
    const frame = new Int16Array(1920);
    for (let j = 0; j < 960; j++) frame[2 * j] = frame[2 * j + 1] = mono[i + j] ?? 0;
    packets.push(enc.encode(frame).slice());
  }
  return packets;
}

/** Response deltas of `ms` of 24 kHz mono, as the model sends them. */
function deltaEvents(mono48k: Int16Array, ms: number): string[] {
  const per = (24000 * ms) / 1000;
  const out: string[] = [];
  for (let i = 0; (i + per) * 2 <= mono48k.length; i += per) {
    const pcm = new Int16Array(per);
    for (let j = 0; j < per; j++) pcm[j] = mono48k[(i + j) * 2] ?? 0;
    out.push(
      JSON.stringify({
        type: 'response.audio.delta',
        event_id: `ev_${i}`,
        response_id: 'resp_1',
        item_id: 'item_1',
        output_index: 0,
        content_index: 0,
        delta: encodePcm16Base64(pcm),
      }),
    );
  }
  return out;
}

/** Results are accumulated here so no candidate's work can be optimised away. */
const sink = { n: 0 };

function cycle<T>(items: T[]): () => T {
  let i = 0;
  return () => items[i++ % items.length] as T;
}

function inboundCandidates(packets: Uint8Array[]): Candidate[] {
  const nextOurs = cycle(packets);
  const ours = createOpusDecoder({ sampleRate: 24000, channels: 1 });
  // Attribution bookkeeping as the receiver does it: per-speaker packet counts and last-packet time.
  const speakers = new Map<string, { packets: number; lastPacketAt: number; speaking: boolean }>();
  const nextPeer = cycle(packets);
  const peer = new prism.opus.Decoder({ rate: 48000, channels: 2, frameSize: 960 });
  return [
    {
      name: 'troupe: @evan/opus → 24k mono + base64 + encodeClientEvent',
      run() {
        const pcm = ours.decode(nextOurs());
        const s = speakers.get('u1') ?? { packets: 0, lastPacketAt: 0, speaking: false };
        s.packets++;
        s.lastPacketAt = performance.now();
        s.speaking = true;
        speakers.set('u1', s);
        if (!pcm) return;
        sink.n += encodeClientEvent({
          type: 'input_audio_buffer.append',
          audio: encodePcm16Base64(pcm),
        }).length;
      },
    },
    {
      name: 'peer: prism Decoder(opusscript) 48k st + wave-resampler + JSON.stringify',
      run() {
        peer.write(Buffer.from(nextPeer()));
        const buf = peer.read() as Buffer | null;
        if (!buf) return;
        const st = new Int16Array(buf.buffer, buf.byteOffset, buf.length >> 1);
        const mono = new Float64Array(st.length >> 1);
        for (let i = 0; i < mono.length; i++) mono[i] = ((st[2 * i] ?? 0) + (st[2 * i + 1] ?? 0)) / 2;
        const out = resample(mono, 48000, 24000);
        const pcm = Int16Array.from(out, (v) => Math.max(-32768, Math.min(32767, Math.round(v))));
        sink.n += JSON.stringify({
          type: 'input_audio_buffer.append',
          audio: Buffer.from(pcm.buffer).toString('base64'),
        }).length;
      },
    },
  ];
}

/**
 * The bot's real playback path: a room (its reply queue and 20 ms pacer, on a manual clock) handing
 * frames to the Discord adapter's Opus sink; `onPacket` gets each packet the connection would send.
 */
function roomPlayback(format: PlaybackFormat, complexity: number | undefined, onPacket: (p: Buffer) => void) {
  const clock = new ManualClock();
  const model = new FakeModel();
  const target = { playOpusPacket: onPacket, setSpeaking: () => undefined };
  new Room({
    cast: [{ name: 'bench', model }],
    sink: createOpusFrameSink(target, format, complexity),
    output: playbackOutput(format),
    clock,
    tuning: { preRollFrames: 1, maxMissedFrames: Number.MAX_SAFE_INTEGER },
  });
  return { model, clock };
}

/** The bot's real reply audio path, fed one delta and played for as long as it lasts per run. */
function playbackCandidate(
  name: string,
  deltas: string[],
  framesPerRun: number,
  format: PlaybackFormat,
  complexity?: number,
): Candidate {
  const next = cycle(deltas);
  const { model, clock } = roomPlayback(format, complexity, (p) => {
    sink.n += p.length;
  });
  return {
    name,
    framesPerRun,
    run() {
      const ev = decodeServerEvent(next());
      if (ev.type !== 'response.audio.delta') throw new Error(`unexpected event ${ev.type}`);
      model.stream('resp_1', decodePcm16Base64(ev.delta));
      clock.advance(framesPerRun * 20);
    },
  };
}

function outboundCandidates(deltas: string[], deltaMs: number): Candidate[] {
  const framesPerRun = deltaMs / 20;
  const nextPeer = cycle(deltas);
  const peerEnc = new prism.opus.Encoder({ rate: 48000, channels: 2, frameSize: 960 });
  return [
    playbackCandidate('troupe: room pacer + Opus 24k mono cx5 (default)', deltas, framesPerRun, 'mono24k', 5),
    playbackCandidate('troupe: room pacer + Opus 24k mono cx10', deltas, framesPerRun, 'mono24k', 10),
    playbackCandidate(
      'troupe stereo48k: core resampler → Opus 48k stereo cx10',
      deltas,
      framesPerRun,
      'stereo48k',
    ),
    {
      name: 'peer: JSON.parse + Buffer base64 + wave-resampler + prism Encoder(opusscript)',
      framesPerRun,
      run() {
        const ev = JSON.parse(nextPeer()) as { delta: string };
        const buf = Buffer.from(ev.delta, 'base64');
        const mono = new Int16Array(buf.buffer, buf.byteOffset, buf.length >> 1);
        const up = resample(mono, 24000, 48000);
        const st = Buffer.alloc(up.length * 4);
        for (let i = 0; i < up.length; i++) {
          const v = Math.max(-32768, Math.min(32767, Math.round(up[i] ?? 0)));
          st.writeInt16LE(v, 4 * i);
          st.writeInt16LE(v, 4 * i + 2);
        }
        peerEnc.write(st);
        for (let p = peerEnc.read() as Buffer | null; p; p = peerEnc.read() as Buffer | null)
          sink.n += p.length;
      },
    },
  ];
}

/**
 * What complexity 5 costs in fidelity: the fixture speech (24 kHz mono, as the model speaks) through
 * the playback encoder and a 48 kHz stereo client decoder, SNR against the source, per complexity.
 */
export function playbackQuality(complexities: number[] = [5, 10]): Map<number, number> {
  const speech = speech48kMono();
  const mono24 = new Int16Array(Math.floor(speech.length / 2));
  for (let i = 0; i < mono24.length; i++) mono24[i] = speech[2 * i] ?? 0;
  const out = new Map<number, number>();
  for (const cx of complexities) {
    const client = createOpusDecoder({ sampleRate: 24000, channels: 1 });
    const parts: Int16Array[] = [];
    const { model, clock } = roomPlayback('mono24k', cx, (p) => {
      // Only the reply's packets: the trailing silence frames after it are not part of the speech.
      if (parts.length < Math.ceil(mono24.length / 480)) parts.push(client.decode(p) ?? new Int16Array(480));
    });
    model.stream('q', mono24);
    model.finish('q');
    clock.advance(mono24.length / 24 + 1000);
    const decoded = new Int16Array(parts.length * 480);
    for (const [i, p] of parts.entries()) decoded.set(p, i * 480);
    out.set(cx, r1(bestLagSnr(mono24, decoded, 1)));
  }
  return out;
}

/** AES-256-GCM per RTP packet as @discordjs/voice does it: raw key bytes vs a prepared KeyObject. */
function transportCryptoCandidates(): Candidate[] {
  const raw = new Uint8Array(randomBytes(32));
  const prepared = createSecretKey(raw);
  const nonce = Buffer.alloc(12);
  const header = Buffer.alloc(12);
  const packet = Buffer.alloc(120);
  const seal = (key: Uint8Array | KeyObject) => {
    const cipher = createCipheriv('aes-256-gcm', key, nonce);
    cipher.setAAD(header);
    sink.n += Buffer.concat([cipher.update(packet), cipher.final(), cipher.getAuthTag()]).length;
  };
  return [
    { name: 'troupe: KeyObject prepared once per session (transport-key.ts)', run: () => seal(prepared) },
    { name: '@discordjs/voice as shipped: raw key bytes per packet', run: () => seal(raw) },
  ];
}

/**
 * DAVE end-to-end encryption per Opus packet (davey, as @discordjs/voice 0.19.2 calls it): the
 * bot encrypts each frame it sends once (the SFU fans it out) and decrypts each frame per speaker.
 * Decrypts need fresh frames (DAVE refuses replays), so a speaker's frames are sealed up front.
 */
function daveCandidates(packets: Uint8Array[], runs: number, rounds: number): Candidate[] {
  const [bot, speaker] = formDaveGroup(['900000000000000001', '900000000000000002']);
  if (!bot || !speaker) throw new Error('no DAVE group');
  const nextOut = cycle(packets.map((p) => Buffer.from(p)));
  const needed = runs * (rounds + 1);
  const sealed: Buffer[] = [];
  for (let i = 0; i < needed; i++)
    sealed.push(speaker.encryptOpus(Buffer.from(packets[i % packets.length] ?? [])));
  let at = 0;
  return [
    {
      name: 'DAVE encrypt: davey encryptOpus, per packet the bot sends',
      run: () => {
        sink.n += bot.encryptOpus(nextOut()).length;
      },
    },
    {
      name: 'DAVE decrypt: davey decrypt, per packet a speaker sends',
      run: () => {
        const frame = sealed[at++];
        if (!frame) throw new Error('ran out of sealed DAVE frames');
        sink.n += bot.decrypt('900000000000000002', 0, frame).length;
      },
    },
  ];
}

/** Result of {@link runFrameCosts}, also printed as JSON lines. */
export interface FrameCostResult {
  inbound: Map<string, number>;
  outbound: Map<string, number>;
  crypto: Map<string, number>;
  dave: Map<string, number>;
}

/** Runs the per-frame cost comparison. `rounds` ≥ 7 (median), `runs` frames per round. */
export function runFrameCosts(
  options: { rounds?: number; runs?: number; quiet?: boolean } = {},
): FrameCostResult {
  const rounds = Math.max(7, options.rounds ?? 9);
  const runs = options.runs ?? 500;
  const speech = speech48kMono();
  const packets = encodePackets(speech, 'audio');
  const celt = timeInterleaved(inboundCandidates(packets), runs, rounds);
  const crypto = timeInterleaved(transportCryptoCandidates(), runs, rounds);
  const dave = timeInterleaved(daveCandidates(packets, runs, rounds), runs, rounds);
  const deltaMs = 100;
  const outbound = timeInterleaved(
    outboundCandidates(deltaEvents(speech, deltaMs), deltaMs),
    Math.ceil(runs / 5),
    rounds,
  );

  const report = (
    title: string,
    bench: string,
    m: Map<string, number>,
    extra: Record<string, unknown>,
  ): void => {
    const values = [...m.values()];
    const ours = values[0];
    const peer = values.at(-1);
    const ratio = (peer ?? Number.NaN) / (ours ?? Number.NaN);
    printTable(
      `${title} (µs per 20 ms frame, median of ${rounds} interleaved rounds × ${runs}; lower is better)`,
      ['path', 'µs/frame', 'streams/core'],
      [...m].map(([name, us]) => [name, us, 20000 / us]),
    );
    console.log(`peer / troupe = ${ratio.toFixed(2)}×`);
    printJson(bench, {
      unit: 'us_per_20ms_frame',
      rounds,
      ...extra,
      troupe: r1(ours ?? Number.NaN),
      peer: r1(peer ?? Number.NaN),
      ratio: Math.round(ratio * 100) / 100,
      all: Object.fromEntries([...m].map(([name, us]) => [name, r1(us)])),
    });
  };
  if (!options.quiet) {
    report('Inbound per speaker, CELT packets', 'frame-costs-inbound', celt, { packets: 'celt-64k' });
    report('Outbound per bot voice (100 ms deltas)', 'frame-costs-outbound', outbound, { deltaMs });
    report('Transport encryption per RTP packet (AES-256-GCM)', 'transport-crypto', crypto, {});
    const [encUs = Number.NaN, decUs = Number.NaN] = [...dave.values()];
    printTable(
      `DAVE end-to-end encryption per Opus packet (µs, median of ${rounds} interleaved rounds × ${runs})`,
      ['operation', 'µs/packet', 'packets/s per core'],
      [...dave].map(([name, us]) => [name, us, 1e6 / us]),
    );
    // One duplex channel: the bot decrypts one speaker's 50 packets/s and encrypts its own 50.
    const duplexUs = 50 * (encUs + decUs);
    console.log(
      `DAVE per duplex channel: ${(duplexUs / 1000).toFixed(2)} ms CPU per second of audio (${((duplexUs / 1e6) * 100).toFixed(3)} % of a core)`,
    );
    printJson('dave-crypto', {
      unit: 'us_per_packet',
      rounds,
      encrypt: r1(encUs),
      decrypt: r1(decUs),
      duplexChannelCpuPct: Math.round((duplexUs / 1e6) * 100 * 1000) / 1000,
      packetBytes: Math.round(packets.reduce((n, p) => n + p.length, 0) / packets.length),
    });
    const quality = playbackQuality();
    printTable(
      'Playback encode fidelity (fixture speech, 24 kHz mono, 64 kb/s; SNR vs source, higher is better)',
      ['complexity', 'SNR dB'],
      [...quality].map(([cx, db]) => [String(cx), db]),
    );
    printJson('playback-quality', { snrDbByComplexity: Object.fromEntries(quality) });
  }
  return { inbound: celt, outbound, crypto, dave };
}

if (import.meta.main) runFrameCosts({ rounds: Number(process.env.BENCH_ROUNDS ?? 9) });
